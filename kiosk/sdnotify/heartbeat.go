package sdnotify

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// Heartbeat proves to the service manager that the UI thread still turns.
type Heartbeat struct {
	// Notifier receives READY=1 and WATCHDOG=1; nil sends nothing.
	Notifier *Notifier
	// Do hands a function to the UI thread and returns at once (fyne.Do); required.
	Do func(func())
	// Watchdog: send WATCHDOG=1 on every tick; false sends READY=1 only.
	Watchdog bool
	// Log reports failed sends; nil means no logging.
	Log *slog.Logger
	// OnReady, when set, is called on the UI thread once READY=1 has been sent (with a nil
	// Notifier: once it would have been): the firmware's update agent waits for it before it
	// marks a new version good.
	OnReady func()

	handled func() // tests: called once Run is done with a tick
}

// Run waits for ticks until ctx ends. On each tick it hands the UI thread one function that
// sends the notification from the UI thread itself: READY=1 on the first (the window has
// been shown and the event loop has turned), WATCHDOG=1 on every one when Watchdog is set.
// A tick that finds the previous function still queued adds nothing: a blocked UI thread
// sends no pings and its queue does not grow, and when it frees up it sends one.
func (h *Heartbeat) Run(ctx context.Context, ticks <-chan time.Time) {
	var queued, ready atomic.Bool
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		h.tick(&queued, &ready)
		if h.handled != nil {
			h.handled()
		}
	}
}

// tick queues one notification on the UI thread unless one is queued already.
func (h *Heartbeat) tick(queued, ready *atomic.Bool) {
	if !queued.CompareAndSwap(false, true) {
		return
	}
	h.Do(func() {
		queued.Store(false)
		state := ""
		if !ready.Load() {
			ready.Store(true)
			state = "READY=1\n"
		}
		if h.Watchdog {
			state += "WATCHDOG=1\n"
		}
		if state == "" {
			return
		}
		err := h.Notifier.Notify(state)
		if err != nil && h.Log != nil {
			h.Log.Warn("sdnotify: heartbeat not sent", "err", err)
		}
		if err == nil && strings.HasPrefix(state, "READY=1") && h.OnReady != nil {
			h.OnReady()
		}
	})
}

// Ticks returns a channel that ticks once after first and then every every (zero: never
// again), until ctx ends. The kiosk's first tick comes a few frames after the event loop
// starts, so READY=1 follows the first frame.
func Ticks(ctx context.Context, first, every time.Duration) <-chan time.Time {
	c := make(chan time.Time)
	go func() {
		t := time.NewTimer(first)
		defer t.Stop()
		var tick <-chan time.Time = t.C
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-tick:
				select {
				case c <- now:
				case <-ctx.Done():
					return
				}
				if every <= 0 {
					return
				}
				if tick == t.C {
					tk := time.NewTicker(every)
					defer tk.Stop()
					tick = tk.C
				}
			}
		}
	}()
	return c
}
