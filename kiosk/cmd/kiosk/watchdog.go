package main

import (
	"context"
	"log/slog"
	"time"

	"taxkiosk/kiosk/sdnotify"
	"taxkiosk/ui/bridge"
)

// readyDelay is how long after the heartbeat starts its first tick comes: a few frames of
// Fyne's 60 Hz loop, so READY=1 follows the window's first frame.
const readyDelay = 100 * time.Millisecond

// superviseUI tells systemd (Type=notify, WatchdogSec=) that the kiosk is up and that its
// UI thread still turns: every ping is sent from a function run on the UI thread, so a
// frozen screen is restarted like a dead process. Without systemd it sends nothing, but still
// calls onReady (nil: none) once the first frame is drawn, for the update agent. Call it
// once the window shows the screens: the first tick comes readyDelay later.
func superviseUI(log *slog.Logger, onReady func()) {
	n, every, err := sdnotify.Env()
	if err != nil {
		log.Error("kiosk: systemd watchdog setting ignored", "err", err)
	}
	if n == nil && onReady == nil {
		return
	}
	hb := &sdnotify.Heartbeat{Notifier: n, Do: bridge.Do, Watchdog: every > 0 && n != nil, Log: log, OnReady: onReady}
	ctx := context.Background() // the heartbeat lasts as long as the process
	go hb.Run(ctx, sdnotify.Ticks(ctx, readyDelay, every))
}
