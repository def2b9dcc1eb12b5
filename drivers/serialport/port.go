package serialport

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tarm/serial"
)

// DefaultReadTimeout is the read timeout when Opts.ReadTimeout is zero.
const DefaultReadTimeout = 100 * time.Millisecond

// Opts configures Open. A nil *Opts means 115200 baud and DefaultReadTimeout.
type Opts struct {
	// Baud is the line speed; zero means 115200.
	Baud int
	// ReadTimeout bounds one Read; zero means DefaultReadTimeout. termios counts it in
	// tenths of a second, so it is rounded up to at least 100 ms.
	ReadTimeout time.Duration
}

// Port is an open serial line. It is safe to Write from one goroutine while another Reads.
type Port struct {
	path string // as configured, perhaps a symlink
	dev  string // the device node it resolved to at open
	baud int
	p    *serial.Port
}

// Open opens the serial device at path (a tty, a pty slave, or a symlink to either).
func Open(path string, opts *Opts) (*Port, error) {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Baud == 0 {
		o.Baud = 115200
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoDevice, path)
	}
	p, err := serial.OpenPort(&serial.Config{Name: path, Baud: o.Baud, ReadTimeout: o.ReadTimeout})
	if err != nil {
		return nil, fmt.Errorf("serialport: open %s at %d baud: %w", path, o.Baud, err)
	}
	dev, err := filepath.EvalSymlinks(path)
	if err != nil {
		dev = path
	}
	return &Port{path: path, dev: dev, baud: o.Baud, p: p}, nil
}

// Read reads what has arrived, waiting at most the read timeout.
func (p *Port) Read(b []byte) (int, error) {
	n, err := p.p.Read(b)
	switch {
	case n > 0:
		return n, nil
	case err == nil || err == io.EOF:
		// A hung-up line also reads as zero bytes; the device node vanishing tells them apart
		// (a USB adapter's tty and a closed pty's slave both disappear).
		if _, serr := os.Stat(p.dev); serr != nil {
			return 0, fmt.Errorf("%w: %s", ErrGone, p.path)
		}
		return 0, ErrTimeout
	case errors.Is(err, syscall.EIO), errors.Is(err, syscall.ENXIO), errors.Is(err, syscall.ENODEV), errors.Is(err, os.ErrClosed):
		return 0, fmt.Errorf("%w: %s: %v", ErrGone, p.path, err)
	default:
		return 0, err
	}
}

// Write writes b to the line.
func (p *Port) Write(b []byte) (int, error) {
	n, err := p.p.Write(b)
	if err != nil && (errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ENODEV)) {
		return n, fmt.Errorf("%w: %s: %v", ErrGone, p.path, err)
	}
	return n, err
}

// Flush discards bytes received but not read and bytes written but not sent.
func (p *Port) Flush() error { return p.p.Flush() }

// Baud is the line speed the port was opened with.
func (p *Port) Baud() int { return p.baud }

// Close closes the port.
func (p *Port) Close() error { return p.p.Close() }

// String names the port, e.g. "/dev/ttyUSB0@115200".
func (p *Port) String() string { return fmt.Sprintf("%s@%d", p.path, p.baud) }
