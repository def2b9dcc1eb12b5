package bridge

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// Do runs f on the UI thread, without waiting.
func Do(f func()) { fyne.Do(f) }

// Pump hands each value from events to handle on the UI thread until ctx ends or events closes.
func Pump[E any](ctx context.Context, events <-chan E, handle func(E)) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			fyne.Do(func() { handle(e) })
		}
	}
}

// Every calls f on the UI thread every d until ctx ends.
func Every(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(f)
		}
	}
}
