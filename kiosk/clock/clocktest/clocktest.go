package clocktest

import (
	"sort"
	"sync"
	"time"

	"taxkiosk/kiosk/clock"
)

// Fake is a clock moved by hand. The zero value is not usable; use New.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	changed chan struct{} // closed and replaced whenever a ticker or timer is added
}

type waiter struct {
	at      time.Time
	every   time.Duration // a ticker's period; zero for a timer
	ch      chan time.Time
	stopped chan struct{} // closed by Stop
	f       func()
	active  bool
}

// New is a fake clock reading start.
func New(start time.Time) *Fake { return &Fake{now: start, changed: make(chan struct{})} }

var _ clock.Clock = (*Fake)(nil)

// Now is the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker ticks every d of fake time.
func (c *Fake) NewTicker(d time.Duration) clock.Ticker {
	if d <= 0 {
		panic("clocktest: non-positive ticker period")
	}
	w := &waiter{every: d, ch: make(chan time.Time), stopped: make(chan struct{}), active: true}
	c.add(w, d)
	return (*fakeTicker)(&fakeWaiter{c, w})
}

// AfterFunc runs f once d of fake time has passed.
func (c *Fake) AfterFunc(d time.Duration, f func()) clock.Timer {
	w := &waiter{f: f, stopped: make(chan struct{}), active: true}
	c.add(w, d)
	return &fakeWaiter{c, w}
}

func (c *Fake) add(w *waiter, d time.Duration) {
	c.mu.Lock()
	w.at = c.now.Add(d)
	c.waiters = append(c.waiters, w)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// Waiters is how many tickers and timers are pending.
func (c *Fake) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, w := range c.waiters {
		if w.active {
			n++
		}
	}
	return n
}

// WaitFor blocks until at least n tickers and timers are pending, so that a test advances
// the clock only once the code under test has started waiting on it.
func (c *Fake) WaitFor(n int) {
	for {
		c.mu.Lock()
		ch := c.changed
		c.mu.Unlock()
		if c.Waiters() >= n {
			return
		}
		<-ch
	}
}

// Advance moves the clock on by d, firing on the way every ticker and timer that falls due,
// each at its own time. Timers' functions run in their own goroutines, as time.AfterFunc's do.
// Each tick is handed to its reader: Advance waits until the reader has taken it, which is
// once the reader has finished with the tick before, so that a test steps through time one
// tick at a time and no tick is dropped. A ticker nobody reads (and nobody stops) therefore
// blocks Advance.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		due := c.dueLocked(end)
		if due == nil {
			break
		}
		c.now = due.at
		if due.every > 0 {
			at := due.at
			due.at = due.at.Add(due.every)
			c.mu.Unlock() // the reader may ask the time before it takes the tick
			select {
			case due.ch <- at:
			case <-due.stopped:
			}
			c.mu.Lock()
		} else {
			due.active = false
			go due.f()
		}
	}
	c.now = end
	c.mu.Unlock()
}

// dueLocked is the earliest active waiter due by end, or nil.
func (c *Fake) dueLocked(end time.Time) *waiter {
	live := c.waiters[:0]
	for _, w := range c.waiters {
		if w.active {
			live = append(live, w)
		}
	}
	c.waiters = live
	sort.SliceStable(live, func(i, j int) bool { return live[i].at.Before(live[j].at) })
	if len(live) == 0 || live[0].at.After(end) {
		return nil
	}
	return live[0]
}

type fakeWaiter struct {
	c *Fake
	w *waiter
}

func (f *fakeWaiter) Stop() bool {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	was := f.w.active
	if was {
		f.w.active = false
		close(f.w.stopped)
	}
	return was
}

type fakeTicker fakeWaiter

func (t *fakeTicker) C() <-chan time.Time { return t.w.ch }
func (t *fakeTicker) Stop()               { (*fakeWaiter)(t).Stop() }
