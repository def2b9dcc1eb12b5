package main

import (
	"log/slog"

	"taxkiosk/kiosk/sdnotify"
)

// notifySystemd tells systemd (the hall's unit is Type=notify) that the hall is serving; it
// does nothing when the hall was not started by systemd.
func notifySystemd(log *slog.Logger) {
	n, _, err := sdnotify.Env()
	if err == nil {
		err = n.Ready()
	}
	if err != nil {
		log.Warn("hall: systemd not told that the hall is ready", "err", err)
	}
}
