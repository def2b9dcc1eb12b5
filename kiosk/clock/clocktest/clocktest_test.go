package clocktest_test

import (
	"testing"
	"time"

	"taxkiosk/kiosk/clock/clocktest"
)

func TestAdvanceFiresInOrder(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	c := clocktest.New(start)
	tick := c.NewTicker(time.Second)
	ticks := make(chan time.Time, 10)
	go func() {
		for at := range tick.C() {
			ticks <- at
		}
	}()
	fired := make(chan time.Time, 1)
	c.AfterFunc(2500*time.Millisecond, func() { fired <- c.Now() })
	stopped := c.AfterFunc(time.Second, func() { t.Error("a stopped timer ran") })
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop must report true once, then false")
	}
	c.Advance(time.Second)
	if got := <-ticks; !got.Equal(start.Add(time.Second)) {
		t.Fatalf("tick at %v, want %v", got, start.Add(time.Second))
	}
	select {
	case <-fired:
		t.Fatal("the timer ran before its time")
	default:
	}
	c.Advance(2 * time.Second) // ticks at 2 s and 3 s, each handed over; the timer at 2.5 s
	if at := <-fired; at.Before(start.Add(2500 * time.Millisecond)) {
		t.Fatalf("the timer ran at %v", at)
	}
	for _, want := range []time.Duration{2 * time.Second, 3 * time.Second} {
		if got := <-ticks; !got.Equal(start.Add(want)) {
			t.Fatalf("tick at %v, want %v", got, start.Add(want))
		}
	}
	if !c.Now().Equal(start.Add(3 * time.Second)) {
		t.Fatalf("now %v", c.Now())
	}
	tick.Stop()
	c.Advance(time.Hour) // a stopped ticker neither fires nor blocks
	if n := c.Waiters(); n != 0 {
		t.Fatalf("%d waiters after every one stopped or fired", n)
	}
}

func TestWaitForSeesANewTicker(t *testing.T) {
	t.Parallel()
	c := clocktest.New(time.Unix(0, 0))
	go c.NewTicker(time.Minute)
	c.WaitFor(1)
	if c.Waiters() != 1 {
		t.Fatal("WaitFor returned before the ticker existed")
	}
}
