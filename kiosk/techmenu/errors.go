package techmenu

import "errors"

var (
	// ErrNoConfigFile: the menu was made without Opts.ConfigPath, so it has no file to save a
	// changed setting in.
	ErrNoConfigFile = errors.New("techmenu: no configuration file to change (started without a config path)")
	// ErrNoCabinet: no cabinet I/O is fitted (Parts.Cabinet nil), or it has no such output.
	ErrNoCabinet = errors.New("techmenu: no such cabinet output")
	// ErrUnsupported: the desk has no method for this.
	ErrUnsupported = errors.New("techmenu: not supported by this desk")
	// ErrExportDir: an export was asked for into something that is not a directory.
	ErrExportDir = errors.New("techmenu: export target is not a directory")
)
