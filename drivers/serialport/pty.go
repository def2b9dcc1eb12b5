package serialport

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Pty is a pseudo-terminal pair: a simulator reads and writes Master, and a driver opens
// SlavePath (or Link, when set) exactly as it would open a real serial device.
//
// The pty keeps its own descriptor of the slave open, so that the master never sees a
// hang-up while the driver side reopens, and it puts the slave line in raw mode at once, so
// that bytes written before the driver opens are not cooked or echoed.
type Pty struct {
	Master    *os.File
	SlavePath string
	Link      string // symlink to SlavePath made by NewPty, or ""

	slave *os.File
}

// NewPty creates a pseudo-terminal pair. When link is not empty, a symlink at that path is
// pointed at the slave (replacing an old link), so that configuration can name a stable path.
func NewPty(link string) (*Pty, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("serialport: open /dev/ptmx: %w", err)
	}
	fail := func(err error) (*Pty, error) {
		m.Close()
		return nil, err
	}
	rc, err := m.SyscallConn()
	if err != nil {
		return fail(err)
	}
	var n int
	var ctlErr error
	if err := rc.Control(func(fd uintptr) {
		if ctlErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ctlErr != nil {
			return
		}
		n, ctlErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
	}); err != nil {
		return fail(err)
	}
	if ctlErr != nil {
		return fail(fmt.Errorf("serialport: unlock pty: %w", ctlErr))
	}
	p := &Pty{Master: m, SlavePath: fmt.Sprintf("/dev/pts/%d", n)}
	s, err := os.OpenFile(p.SlavePath, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fail(fmt.Errorf("serialport: open %s: %w", p.SlavePath, err))
	}
	p.slave = s
	if err := makeRaw(s); err != nil {
		s.Close()
		return fail(err)
	}
	if link != "" {
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			p.Close()
			return nil, err
		}
		_ = os.Remove(link)
		if err := os.Symlink(p.SlavePath, link); err != nil {
			p.Close()
			return nil, fmt.Errorf("serialport: link %s: %w", link, err)
		}
		p.Link = link
	}
	return p, nil
}

// Path is the path a driver should open: the link if there is one, else the slave.
func (p *Pty) Path() string {
	if p.Link != "" {
		return p.Link
	}
	return p.SlavePath
}

// Close closes both ends and removes the link; a driver holding the slave then reads ErrGone.
func (p *Pty) Close() error {
	if p.Link != "" {
		if target, err := os.Readlink(p.Link); err == nil && target == p.SlavePath {
			os.Remove(p.Link)
		}
	}
	p.slave.Close()
	return p.Master.Close()
}

func makeRaw(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var terr error
	err = rc.Control(func(fd uintptr) {
		var t *unix.Termios
		if t, terr = unix.IoctlGetTermios(int(fd), unix.TCGETS); terr != nil {
			return
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN] = 1
		t.Cc[unix.VTIME] = 0
		terr = unix.IoctlSetTermios(int(fd), unix.TCSETS, t)
	})
	if err != nil {
		return err
	}
	if terr != nil {
		return fmt.Errorf("serialport: raw mode: %w", terr)
	}
	return nil
}
