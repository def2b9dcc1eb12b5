package main

import (
	"errors"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/terminal"
)

// errOutOfServiceMode: started with --out-of-service. systemd does so (the unit
// taxkiosk-out-of-service.service) once the kiosk has crashed or frozen too often in a
// row: the hall then sees a screen that says 暂停服务 instead of a restart loop.
var errOutOfServiceMode = errors.New("started in out-of-service mode after repeated failures")

// openTerminal opens the kiosk, or in out-of-service mode nothing at all.
func openTerminal(cfg config.Config, opts terminal.Opts, outOfService bool) (*terminal.Terminal, error) {
	if outOfService {
		return nil, errOutOfServiceMode
	}
	return terminal.Open(cfg, opts)
}
