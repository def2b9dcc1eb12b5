package main

import (
	"errors"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/terminal"
)

// errOutOfServiceMode: started with --out-of-service. systemd does so (the unit
// taxkiosk-out-of-service.service) once the kiosk has crashed or frozen too often in a
// row: the hall then sees a screen that says 暂停服务 instead of a restart loop.
var errOutOfServiceMode = errors.New("started in out-of-service mode after repeated failures")

// techReason is the catalogue key of what the out-of-service screen tells the technician to
// do about err, in plain words; the error itself goes to the log.
func techReason(err error) string {
	switch {
	case errors.Is(err, outbox.ErrKeyLost):
		return "oos.tech.key_lost"
	case errors.Is(err, outbox.ErrWrongKey):
		return "oos.tech.wrong_key"
	case errors.Is(err, seal.ErrKeyPermissions):
		return "oos.tech.key_permissions"
	case errors.Is(err, outbox.ErrCorrupt):
		return "oos.tech.corrupt"
	case errors.Is(err, outbox.ErrLocked):
		return "oos.tech.locked"
	case errors.Is(err, outbox.ErrDiskFull):
		return "oos.tech.disk_full"
	case errors.Is(err, errOutOfServiceMode):
		return "oos.tech.restarts"
	}
	return "oos.tech"
}

// openTerminal opens the kiosk, or in out-of-service mode nothing at all.
func openTerminal(cfg config.Config, opts terminal.Opts, outOfService bool) (*terminal.Terminal, error) {
	if outOfService {
		return nil, errOutOfServiceMode
	}
	return terminal.Open(cfg, opts)
}
