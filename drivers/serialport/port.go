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

	"golang.org/x/sys/unix"
)

// DefaultReadTimeout is the read timeout when Opts.ReadTimeout is zero.
const DefaultReadTimeout = 100 * time.Millisecond

// Opts configures Open. A nil *Opts means 115200 baud and DefaultReadTimeout.
type Opts struct {
	// Baud is the line speed; zero means 115200.
	Baud int
	// ReadTimeout bounds one Read; zero means DefaultReadTimeout.
	ReadTimeout time.Duration
}

// Port is an open serial line. It is safe to Write from one goroutine while another Reads.
type Port struct {
	path    string // as configured, perhaps a symlink
	dev     string // the device node it resolved to at open
	baud    int
	timeout time.Duration
	f       *os.File
}

// bauds are the line speeds termios names.
var bauds = map[int]uint32{
	1200: unix.B1200, 2400: unix.B2400, 4800: unix.B4800, 9600: unix.B9600, 19200: unix.B19200,
	38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200, 230400: unix.B230400,
	460800: unix.B460800, 921600: unix.B921600,
}

// Open opens the serial device at path (a tty, a pty slave, or a symlink to either).
//
// The descriptor stays non-blocking and is read through Go's poller with a deadline, not
// with a blocking read bounded by termios VTIME: a read that blocks its thread for longer
// than 10 ms makes the runtime's monitor thread take the thread's P back and start polling
// again every 20 µs, so a reader and a scanner waiting on idle lines kept the monitor
// waking about 600 times a second (README, Footprint). A waiting read now costs no thread.
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
	rate, ok := bauds[o.Baud]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrBaud, o.Baud)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoDevice, path)
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("serialport: open %s at %d baud: %w", path, o.Baud, err)
	}
	// Raw 8N1 without flow control: every byte value crosses unchanged, and the modem lines
	// do not matter (CLOCAL).
	t := unix.Termios{Iflag: unix.IGNPAR, Cflag: unix.CREAD | unix.CLOCAL | unix.CS8 | rate, Ispeed: rate, Ospeed: rate}
	t.Cc[unix.VMIN] = 1
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("serialport: open %s at %d baud: %w", path, o.Baud, err)
	}
	dev, err := filepath.EvalSymlinks(path)
	if err != nil {
		dev = path
	}
	// A non-blocking descriptor makes os.NewFile register it with the poller.
	return &Port{path: path, dev: dev, baud: o.Baud, timeout: o.ReadTimeout, f: os.NewFile(uintptr(fd), path)}, nil
}

// Read reads what has arrived, waiting at most the read timeout.
func (p *Port) Read(b []byte) (int, error) {
	if err := p.f.SetReadDeadline(time.Now().Add(p.timeout)); err != nil {
		return 0, p.failed(err)
	}
	n, err := p.f.Read(b)
	switch {
	case n > 0:
		return n, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return 0, ErrTimeout
	case err == nil || err == io.EOF:
		// A hung-up line also reads as zero bytes; the device node vanishing tells them apart
		// (a USB adapter's tty and a closed pty's slave both disappear).
		if _, serr := os.Stat(p.dev); serr != nil {
			return 0, fmt.Errorf("%w: %s", ErrGone, p.path)
		}
		return 0, ErrTimeout
	default:
		return 0, p.failed(err)
	}
}

// failed names a failure of the device behind the port as ErrGone.
func (p *Port) failed(err error) error {
	if errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ENODEV) || errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("%w: %s: %v", ErrGone, p.path, err)
	}
	return err
}

// Write writes b to the line.
func (p *Port) Write(b []byte) (int, error) {
	n, err := p.f.Write(b)
	if err != nil && !errors.Is(err, os.ErrClosed) {
		err = p.failed(err)
	}
	return n, err
}

// Flush discards bytes received but not read and bytes written but not sent.
func (p *Port) Flush() error {
	rc, err := p.f.SyscallConn()
	if err != nil {
		return p.failed(err)
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIOFLUSH) }); err != nil {
		return p.failed(err)
	}
	return ferr
}

// Baud is the line speed the port was opened with.
func (p *Port) Baud() int { return p.baud }

// Close closes the port; a Read waiting on it returns ErrGone.
func (p *Port) Close() error { return p.f.Close() }

// String names the port, e.g. "/dev/ttyUSB0@115200".
func (p *Port) String() string { return fmt.Sprintf("%s@%d", p.path, p.baud) }
