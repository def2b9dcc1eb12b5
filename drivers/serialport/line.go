package serialport

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Line is a serial device by path that survives unplugging: it opens the port on first use,
// drops it when the device goes away, and opens it again, no more often than every
// RetryEvery, when the device returns (a USB adapter replugged, a simulator restarted).
// While the device is absent, Read and Write fail at once with ErrNoDevice or ErrGone, so a
// driver reports the device offline and tries again on its next call.
type Line struct {
	path       string
	opts       Opts
	RetryEvery time.Duration // zero means 500 ms

	mu       sync.Mutex
	port     *Port
	lastTry  time.Time
	lastErr  error
	closed   bool
	reopened int
}

// NewLine returns a Line for path; nothing is opened until the first Read or Write.
func NewLine(path string, opts *Opts) *Line {
	l := &Line{path: path}
	if opts != nil {
		l.opts = *opts
	}
	return l
}

func (l *Line) get() (*Port, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("%w: %s closed", ErrGone, l.path)
	}
	if l.port != nil {
		return l.port, nil
	}
	every := l.RetryEvery
	if every == 0 {
		every = 500 * time.Millisecond
	}
	if !l.lastTry.IsZero() && time.Since(l.lastTry) < every && l.lastErr != nil {
		return nil, l.lastErr
	}
	l.lastTry = time.Now()
	p, err := Open(l.path, &l.opts)
	if err != nil {
		if !errors.Is(err, ErrNoDevice) {
			err = fmt.Errorf("%w: %v", ErrNoDevice, err)
		}
		l.lastErr = err
		return nil, err
	}
	if l.lastErr != nil || l.reopened > 0 {
		l.reopened++
	} else {
		l.reopened = 1
	}
	l.lastErr = nil
	l.port = p
	return p, nil
}

func (l *Line) drop(p *Port, err error) {
	if !errors.Is(err, ErrGone) {
		return
	}
	l.mu.Lock()
	if l.port == p {
		l.port.Close()
		l.port = nil
		l.lastErr = err
		l.lastTry = time.Now()
	}
	l.mu.Unlock()
}

// Read reads from the device, opening it first if needed.
func (l *Line) Read(b []byte) (int, error) {
	p, err := l.get()
	if err != nil {
		time.Sleep(l.opts.ReadTimeoutOrDefault()) // an absent device behaves like a silent one
		return 0, err
	}
	n, err := p.Read(b)
	if err != nil {
		l.drop(p, err)
	}
	return n, err
}

// Write writes to the device, opening it first if needed.
func (l *Line) Write(b []byte) (int, error) {
	p, err := l.get()
	if err != nil {
		return 0, err
	}
	n, err := p.Write(b)
	if err != nil {
		l.drop(p, err)
	}
	return n, err
}

// Flush discards pending input and output, if the device is open.
func (l *Line) Flush() error {
	p, err := l.get()
	if err != nil {
		return err
	}
	return p.Flush()
}

// Opens counts how many times the device was opened; more than one means it came back.
func (l *Line) Opens() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reopened
}

// Close closes the device for good.
func (l *Line) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.port != nil {
		err := l.port.Close()
		l.port = nil
		return err
	}
	return nil
}

// Baud is the configured line speed.
func (l *Line) Baud() int {
	if l.opts.Baud == 0 {
		return 115200
	}
	return l.opts.Baud
}

func (l *Line) String() string { return fmt.Sprintf("%s@%d", l.path, l.Baud()) }

// ReadTimeoutOrDefault is the read timeout Open will use.
func (o Opts) ReadTimeoutOrDefault() time.Duration {
	if o.ReadTimeout <= 0 {
		return DefaultReadTimeout
	}
	return o.ReadTimeout
}
