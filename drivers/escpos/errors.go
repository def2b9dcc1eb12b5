package escpos

import (
	"context"
	"errors"

	"taxkiosk/drivers/serialport"
)

// Errors the driver returns, wrapped with %w and the printer's own status bytes, e.g.
// "escpos: paper out (DLE EOT 1-4: 1a 72 12 7e)". Test with errors.Is.
var (
	ErrPaperOut      = errors.New("escpos: paper out")
	ErrCoverOpen     = errors.New("escpos: cover open")
	ErrOffline       = errors.New("escpos: printer offline")
	ErrNoAnswer      = errors.New("escpos: no answer to status query")
	ErrCutter        = errors.New("escpos: autocutter error")
	ErrUnrecoverable = errors.New("escpos: unrecoverable printer error")
	ErrBadStatus     = errors.New("escpos: malformed status byte")
	ErrUnencodable   = errors.New("escpos: text the printer cannot print")
	ErrQRTooLong     = errors.New("escpos: QR data too long")
	ErrBadDocument   = errors.New("escpos: bad document")
	ErrClosed        = errors.New("escpos: printer closed")
	ErrNoPort        = errors.New("escpos: no port given")
)

// MessageKey names the translation of err for the taxpayer's screen; the UI never shows a Go
// error string. Keys: printer.paper_out, printer.cover_open, printer.offline (offline, no
// answer, port absent), printer.hw_error (cutter, unrecoverable, garbled status),
// printer.bad_receipt (a document the printer cannot print), printer.timeout, printer.error.
// A nil err has the key "".
func MessageKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrPaperOut):
		return "printer.paper_out"
	case errors.Is(err, ErrCoverOpen):
		return "printer.cover_open"
	case errors.Is(err, ErrOffline), errors.Is(err, ErrNoAnswer), errors.Is(err, ErrClosed),
		errors.Is(err, serialport.ErrNoDevice), errors.Is(err, serialport.ErrGone):
		return "printer.offline"
	case errors.Is(err, ErrCutter), errors.Is(err, ErrUnrecoverable), errors.Is(err, ErrBadStatus):
		return "printer.hw_error"
	case errors.Is(err, ErrUnencodable), errors.Is(err, ErrQRTooLong), errors.Is(err, ErrBadDocument):
		return "printer.bad_receipt"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "printer.timeout"
	}
	return "printer.error"
}

// code is the short code recorded as device.Error.Code for err.
func code(err error) string {
	switch {
	case errors.Is(err, ErrPaperOut):
		return "paper_out"
	case errors.Is(err, ErrCoverOpen):
		return "cover_open"
	case errors.Is(err, ErrNoAnswer):
		return "no_answer"
	case errors.Is(err, ErrOffline):
		return "offline"
	case errors.Is(err, ErrCutter):
		return "autocutter"
	case errors.Is(err, ErrUnrecoverable):
		return "unrecoverable"
	case errors.Is(err, ErrBadStatus):
		return "bad_status"
	case errors.Is(err, serialport.ErrNoDevice), errors.Is(err, serialport.ErrGone):
		return "no_device"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "timeout"
	}
	return "io"
}
