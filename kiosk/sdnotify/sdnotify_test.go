package sdnotify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listen opens the service manager's end: a unixgram socket at path.
func listen(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// next reads one datagram; a generous deadline only keeps a broken test from hanging.
func next(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	return string(buf[:n])
}

func TestNotifyPathAndAbstractSockets(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notify")
	abstract := fmt.Sprintf("@taxkiosk-sdnotify-test-%d", os.Getpid())
	for _, name := range []string{path, abstract} {
		srv := listen(t, name)
		n := New(name)
		for _, tc := range []struct {
			send func() error
			want string
		}{
			{n.Ready, "READY=1"},
			{n.Watchdog, "WATCHDOG=1"},
			{func() error { return n.Status("服务中") }, "STATUS=服务中"},
			{n.Stopping, "STOPPING=1"},
		} {
			if err := tc.send(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := next(t, srv); got != tc.want {
				t.Errorf("%s: got %q, want %q", name, got, tc.want)
			}
		}
	}
}

func TestNilNotifierSendsNothing(t *testing.T) {
	t.Parallel()
	var n *Notifier = New("")
	if n != nil {
		t.Fatal("New(\"\") is not the silent notifier")
	}
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
}

func TestNotifyWithoutListenerFails(t *testing.T) {
	t.Parallel()
	err := New(filepath.Join(t.TempDir(), "nobody")).Ready()
	if !errors.Is(err, ErrSend) {
		t.Fatalf("got %v, want ErrSend", err)
	}
}

func TestPingInterval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		usec string
		want time.Duration
		err  error
	}{
		{"20000000", 10 * time.Second, nil},
		{"1", 500 * time.Nanosecond, nil},
		{"30000000", 15 * time.Second, nil},
		{"0", 0, ErrWatchdogUsec},
		{"-5", 0, ErrWatchdogUsec},
		{"20s", 0, ErrWatchdogUsec},
	} {
		got, err := PingInterval(tc.usec)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("PingInterval(%q) = %v, %v; want %v, %v", tc.usec, got, err, tc.want, tc.err)
		}
	}
}

// TestEnvIgnoresForeignWatchdogPID: under cage the kiosk is a child and $WATCHDOG_PID is the
// compositor's; the kiosk still pings, and no child of the kiosk inherits the variables.
func TestEnvIgnoresForeignWatchdogPID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify")
	srv := listen(t, path)
	t.Setenv("NOTIFY_SOCKET", path)
	t.Setenv("WATCHDOG_USEC", "6000000")
	t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getppid()))
	n, every, err := Env()
	if err != nil {
		t.Fatal(err)
	}
	if every != 3*time.Second {
		t.Errorf("interval %v, want 3s", every)
	}
	for _, v := range []string{"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"} {
		if _, set := os.LookupEnv(v); set {
			t.Errorf("%s is still in the environment", v)
		}
	}
	if err := n.Watchdog(); err != nil {
		t.Fatal(err)
	}
	if got := next(t, srv); got != "WATCHDOG=1" {
		t.Errorf("got %q", got)
	}
}

// uiThread is a fake of Fyne's UI thread: functions handed to Do run one at a time on one
// goroutine, which the test can hold still as a frozen screen would.
type uiThread struct {
	queue chan func()
	hold  chan struct{} // receive from it to pause the thread; close to end
}

func newUIThread(t *testing.T) *uiThread {
	u := &uiThread{queue: make(chan func(), 64), hold: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case f := <-u.queue:
				f()
			case _, ok := <-u.hold:
				if !ok {
					return
				}
				<-u.hold // held until the test sends again
			}
		}
	}()
	t.Cleanup(func() { close(u.hold); <-done })
	return u
}

func (u *uiThread) Do(f func()) { u.queue <- f }

// runHeartbeat starts hb and returns tick, which hands Run one tick and returns once Run
// is done with it, so what a tick causes is settled before the test looks.
func runHeartbeat(t *testing.T, hb *Heartbeat) (tick func()) {
	ticks := make(chan time.Time)
	handled := make(chan struct{})
	hb.handled = func() { handled <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go hb.Run(ctx, ticks)
	return func() {
		ticks <- time.Time{}
		<-handled
	}
}

// TestHeartbeatPassesThroughTheUIThread: READY=1 with the first ping, one WATCHDOG=1 per
// tick while the UI thread turns, none while it is blocked however many ticks pass, and one
// (not a backlog) when it frees up.
func TestHeartbeatPassesThroughTheUIThread(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notify")
	srv := listen(t, path)
	ui := newUIThread(t)
	tick := runHeartbeat(t, &Heartbeat{Notifier: New(path), Do: ui.Do, Watchdog: true})

	tick()
	if got := next(t, srv); got != "READY=1\nWATCHDOG=1\n" {
		t.Fatalf("first notification %q", got)
	}
	tick()
	if got := next(t, srv); got != "WATCHDOG=1\n" {
		t.Fatalf("second notification %q", got)
	}

	ui.hold <- struct{}{} // the UI thread freezes
	for range 5 {
		tick()
	}
	// A marker sent now arrives after any ping the five ticks caused.
	if err := New(path).Notify("MARK=1"); err != nil {
		t.Fatal(err)
	}
	if got := next(t, srv); got != "MARK=1" {
		t.Fatalf("a notification left a frozen UI thread: %q", got)
	}
	if n := len(ui.queue); n != 1 {
		t.Fatalf("%d heartbeats queued behind the frozen UI thread, want 1", n)
	}

	ui.hold <- struct{}{} // it turns again
	if got := next(t, srv); got != "WATCHDOG=1\n" {
		t.Fatalf("after the freeze %q", got)
	}
	if err := New(path).Notify("MARK=2"); err != nil {
		t.Fatal(err)
	}
	if got := next(t, srv); got != "MARK=2" {
		t.Fatalf("the frozen ticks left a backlog: %q", got)
	}
	tick()
	if got := next(t, srv); got != "WATCHDOG=1\n" {
		t.Fatalf("after recovery %q", got)
	}
}

func TestHeartbeatWithoutWatchdogSendsReadyOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notify")
	srv := listen(t, path)
	ui := newUIThread(t)
	tick := runHeartbeat(t, &Heartbeat{Notifier: New(path), Do: ui.Do})
	tick()
	tick()
	tick()
	done := make(chan struct{})
	ui.Do(func() { close(done) })
	<-done
	if err := New(path).Notify("MARK=1"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for s := next(t, srv); s != "MARK=1"; s = next(t, srv) {
		got = append(got, s)
	}
	if strings.Join(got, "|") != "READY=1\n" {
		t.Fatalf("got %q, want one READY=1", got)
	}
}

// TestHeartbeatOnReady: OnReady runs once, on the UI thread, after READY=1 has gone out, and
// also without a service manager (the update agent waits for it either way).
func TestHeartbeatOnReady(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notify")
	srv := listen(t, path)
	for _, n := range []*Notifier{New(path), nil} {
		ui := newUIThread(t)
		var calls int
		tick := runHeartbeat(t, &Heartbeat{Notifier: n, Do: ui.Do, Watchdog: true, OnReady: func() {
			if n != nil && next(t, srv) != "READY=1\nWATCHDOG=1\n" {
				t.Error("OnReady before READY=1 was sent")
			}
			calls++
		}})
		for range 3 {
			tick()
			done := make(chan struct{})
			ui.Do(func() { close(done) }) // the UI thread has run what the tick queued
			<-done
		}
		if calls != 1 {
			t.Fatalf("notifier %v: OnReady called %d times, want once", n, calls)
		}
	}
}
