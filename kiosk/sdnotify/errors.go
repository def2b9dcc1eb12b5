package sdnotify

import "errors"

var (
	// ErrWatchdogUsec: $WATCHDOG_USEC is not a positive number of microseconds.
	ErrWatchdogUsec = errors.New("sdnotify: bad WATCHDOG_USEC")
	// ErrSend: the datagram could not be sent to $NOTIFY_SOCKET.
	ErrSend = errors.New("sdnotify: cannot notify the service manager")
)
