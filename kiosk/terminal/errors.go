package terminal

import "errors"

var (
	// ErrNoConfigFile: the terminal was opened without Opts.ConfigPath, so it has no file to
	// save a changed setting in.
	ErrNoConfigFile = errors.New("terminal: no configuration file to change (started without a config path)")
	// ErrNoCabinet: no cabinet I/O is fitted (Opts.Cabinet nil), or it has no such output.
	ErrNoCabinet = errors.New("terminal: no such cabinet output")
	// ErrNotInMaintenance: the kiosk must be in maintenance for this, so that the desk lets go
	// of the device.
	ErrNotInMaintenance = errors.New("terminal: the kiosk is not in maintenance")
	// ErrUnsupported: the desk has no method for this yet.
	ErrUnsupported = errors.New("terminal: not supported by this desk")
)
