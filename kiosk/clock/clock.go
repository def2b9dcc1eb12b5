package clock

import "time"

// Clock tells the time and schedules work after a duration.
type Clock interface {
	Now() time.Time
	// NewTicker delivers the time on C every d, dropping ticks a slow reader misses, as
	// time.Ticker does.
	NewTicker(d time.Duration) Ticker
	// AfterFunc runs f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Ticker is a time.Ticker as a Clock makes it.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// Timer is a pending AfterFunc; Stop reports whether it stopped f from running.
type Timer interface {
	Stop() bool
}

// Real is the system clock.
func Real() Clock { return real{} }

type real struct{}

func (real) Now() time.Time                            { return time.Now() }
func (real) NewTicker(d time.Duration) Ticker          { return realTicker{time.NewTicker(d)} }
func (real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

type realTicker struct{ t *time.Ticker }

func (t realTicker) C() <-chan time.Time { return t.t.C }
func (t realTicker) Stop()               { t.t.Stop() }

// WithNow is the system clock's timers with the date read from now: a demo's or a test's
// fixed day, while polling and timeouts run in real time. Durations measured with Now follow
// now, so a frozen now never lets a grace period elapse.
func WithNow(now func() time.Time) Clock { return withNow{now: now} }

type withNow struct {
	real
	now func() time.Time
}

func (c withNow) Now() time.Time { return c.now() }
