package scanner

import "errors"

var (
	// ErrAmount: an invoice amount is not a decimal with at most two places.
	ErrAmount = errors.New("scanner: bad amount")
	// ErrTooLong: a code exceeded Opts.MaxLen and was discarded up to its suffix; the message
	// carries how many bytes were dropped.
	ErrTooLong = errors.New("scanner: code too long")
	// ErrIncomplete: bytes without a suffix were dropped after Opts.InterByteTimeout of silence
	// (line noise, or a code cut off by a power dip in the engine).
	ErrIncomplete = errors.New("scanner: incomplete code dropped")
	// ErrNoDevice: the serial port is absent (unplugged, or not configured).
	ErrNoDevice = errors.New("scanner: no device")
	// ErrPort: the port failed in a way that is neither a timeout nor an absence.
	ErrPort = errors.New("scanner: port error")
	// ErrTrigger: the trigger command or trigger pin could not be driven.
	ErrTrigger = errors.New("scanner: trigger failed")
	// ErrClosed: the scanner was closed.
	ErrClosed = errors.New("scanner: closed")
	// ErrOpts: the options are inconsistent, e.g. command trigger without a command.
	ErrOpts = errors.New("scanner: bad options")
)
