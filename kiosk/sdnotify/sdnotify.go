package sdnotify

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends state lines to the service manager. A nil Notifier sends nothing.
type Notifier struct {
	addr *net.UnixAddr
}

// New returns a Notifier for the socket path (an abstract name starts with "@"); an empty
// path returns nil, the Notifier that sends nothing.
func New(path string) *Notifier {
	if path == "" {
		return nil
	}
	return &Notifier{addr: &net.UnixAddr{Name: path, Net: "unixgram"}}
}

// Env reads $NOTIFY_SOCKET and $WATCHDOG_USEC and removes them, with $WATCHDOG_PID, from the
// environment. interval is half the watchdog timeout (the ping period systemd.service(5)
// advises) and zero when the unit has no WatchdogSec=. $WATCHDOG_PID is ignored on purpose
// (see the package doc).
func Env() (n *Notifier, interval time.Duration, err error) {
	n = New(os.Getenv("NOTIFY_SOCKET"))
	usec := os.Getenv("WATCHDOG_USEC")
	for _, v := range []string{"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"} {
		os.Unsetenv(v)
	}
	if usec == "" {
		return n, 0, nil
	}
	interval, err = PingInterval(usec)
	return n, interval, err
}

// PingInterval turns a $WATCHDOG_USEC value into the ping period: half the timeout.
func PingInterval(usec string) (time.Duration, error) {
	u, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || u <= 0 {
		return 0, fmt.Errorf("%w: %q", ErrWatchdogUsec, usec)
	}
	return time.Duration(u) * time.Microsecond / 2, nil
}

// Notify sends state, one or more "KEY=VALUE" lines, as one datagram.
func (n *Notifier) Notify(state string) error {
	if n == nil {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSend, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("%w: %v", ErrSend, err)
	}
	return nil
}

// Ready tells the service manager that start-up is finished.
func (n *Notifier) Ready() error { return n.Notify("READY=1") }

// Watchdog is one heartbeat.
func (n *Notifier) Watchdog() error { return n.Notify("WATCHDOG=1") }

// Stopping tells the service manager that a clean shutdown has begun.
func (n *Notifier) Stopping() error { return n.Notify("STOPPING=1") }

// Status sets the one-line status `systemctl status` shows.
func (n *Notifier) Status(s string) error { return n.Notify("STATUS=" + s) }
