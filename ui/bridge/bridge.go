package bridge

import (
	"context"
	"os"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
)

// Do runs f on the UI thread, without waiting. Work that Fyne would run anywhere else is
// dropped: once its event loop has ended (a stop, SIGTERM, the last window closed) Fyne runs
// handed-over work at once on the caller's goroutine, and a window touched there after GLFW
// was terminated panics ("The GLFW library is not initialized"). Nothing the kiosk shows
// matters once the loop has ended; the core's own shutdown closes the outbox.
func Do(f func()) {
	fyne.Do(func() {
		if OnUIThread() {
			f()
		}
	})
}

// OnUIThread tells whether the caller runs on the process's main thread: Fyne's desktop
// driver locks main.main, and so its event loop, to it in an init function, and on Linux the
// main thread's id is the process id.
func OnUIThread() bool { return syscall.Gettid() == os.Getpid() }

// Pump hands each value from events to handle on the UI thread until ctx ends or events closes.
func Pump[E any](ctx context.Context, events <-chan E, handle func(E)) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok || ctx.Err() != nil {
				return
			}
			Do(func() { handle(e) })
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
			if ctx.Err() != nil {
				return // both were ready: the stop wins
			}
			Do(f)
		}
	}
}
