package serialport

import "errors"

var (
	// ErrTimeout is returned by Read when no byte arrived within the port's read timeout.
	ErrTimeout = errors.New("serialport: read timeout")
	// ErrGone is returned when the device behind the port has gone away (unplugged, hung up).
	ErrGone = errors.New("serialport: device gone")
	// ErrNoDevice is returned by Open when the path does not exist.
	ErrNoDevice = errors.New("serialport: no such device")
)
