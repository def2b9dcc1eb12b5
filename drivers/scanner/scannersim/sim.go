package scannersim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"taxkiosk/drivers/serialport"
)

// Opts configures a Sim. A nil *Opts means the zero values below.
type Opts struct {
	// Suffix follows each code; zero means "\r", the factory setting of most engines.
	Suffix string
	// Command selects command-trigger mode; zero (false) is continuous mode, where every
	// Scan goes out at once.
	Command bool
	// TriggerOn and TriggerOff are the commands the engine obeys in command mode.
	TriggerOn, TriggerOff []byte
	// Baud paces output at 10 bits per byte, like a real UART; zero writes at full speed.
	Baud int
}

// Sim is one simulated scan engine on the device side of a serial line.
type Sim struct {
	port io.ReadWriter
	o    Opts
	pty  *serialport.Pty

	writeMu sync.Mutex

	mu       sync.Mutex
	received []byte   // every byte the driver sent
	triggers [][]byte // the trigger commands recognised, in order
	armed    bool
	held     [][]byte // codes presented while not armed
}

// New returns a simulator talking on port (usually a pty master).
func New(port io.ReadWriter, opts *Opts) *Sim {
	s := &Sim{port: port}
	if opts != nil {
		s.o = *opts
	}
	if s.o.Suffix == "" {
		s.o.Suffix = "\r"
	}
	return s
}

// OpenPty creates a pseudo-terminal whose driver side is linked at link (for
// `kioskctl sim scanner --link PATH`) and a Sim on its master. Close removes both.
func OpenPty(link string, opts *Opts) (*Sim, error) {
	p, err := serialport.NewPty(link)
	if err != nil {
		return nil, err
	}
	s := New(p.Master, opts)
	s.pty = p
	return s, nil
}

// Path is the path the driver opens, for a Sim made by OpenPty; "" otherwise.
func (s *Sim) Path() string {
	if s.pty == nil {
		return ""
	}
	return s.pty.Path()
}

// Close closes the pseudo-terminal made by OpenPty: the driver sees its device unplugged.
func (s *Sim) Close() error {
	if s.pty == nil {
		return nil
	}
	return s.pty.Close()
}

// Run reads what the driver sends and obeys trigger commands until ctx is done or the port
// fails. It returns nil at the context's end.
func (s *Sim) Run(ctx context.Context) error {
	type deadliner interface{ SetReadDeadline(time.Time) error }
	dl, _ := s.port.(deadliner)
	buf := make([]byte, 256)
	for ctx.Err() == nil {
		if dl != nil {
			_ = dl.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		}
		n, err := s.port.Read(buf)
		if n > 0 {
			if werr := s.receive(buf[:n]); werr != nil {
				return werr
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
		default:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("scannersim: read: %w", err)
		}
	}
	return nil
}

// receive records bytes and acts on every complete trigger command among them.
func (s *Sim) receive(b []byte) error {
	s.mu.Lock()
	s.received = append(s.received, b...)
	var send []byte
	for {
		on, off := s.find(s.o.TriggerOn), s.find(s.o.TriggerOff)
		if on < 0 && off < 0 {
			break
		}
		cmd, at := s.o.TriggerOn, on
		if on < 0 || off >= 0 && off < on {
			cmd, at = s.o.TriggerOff, off
		}
		s.triggers = append(s.triggers, append([]byte(nil), cmd...))
		s.received = s.received[at+len(cmd):]
		s.armed = bytes.Equal(cmd, s.o.TriggerOn)
		if s.armed && len(s.held) > 0 && send == nil {
			send, s.held = s.held[0], s.held[1:]
			s.armed = false // the engine's session ends at its first decode
		}
	}
	// Keep only what could start a command, so an idle line costs no memory.
	if keep := max(len(s.o.TriggerOn), len(s.o.TriggerOff)); len(s.received) > keep {
		s.received = s.received[len(s.received)-keep:]
	}
	s.mu.Unlock()
	if send != nil {
		return s.write(append(send, s.o.Suffix...))
	}
	return nil
}

func (s *Sim) find(cmd []byte) int {
	if !s.o.Command || len(cmd) == 0 {
		return -1
	}
	return bytes.Index(s.received, cmd)
}

// Scan presents payload to the engine. In continuous mode it goes out at once with the
// suffix; in command mode it goes out if the engine is triggered, otherwise at the next
// trigger.
func (s *Sim) Scan(payload []byte) error {
	p := append([]byte(nil), payload...)
	s.mu.Lock()
	if s.o.Command && !s.armed {
		s.held = append(s.held, p)
		s.mu.Unlock()
		return nil
	}
	if s.o.Command {
		s.armed = false
	}
	s.mu.Unlock()
	return s.write(append(p, s.o.Suffix...))
}

// Triggers returns the trigger commands received so far, in order.
func (s *Sim) Triggers() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]byte, len(s.triggers))
	for i, t := range s.triggers {
		out[i] = append([]byte(nil), t...)
	}
	return out
}

// Armed reports whether a trigger session is open (command mode).
func (s *Sim) Armed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.armed
}

// Held is the number of presented codes waiting for a trigger.
func (s *Sim) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// WriteRaw sends b as it is, with no suffix.
func (s *Sim) WriteRaw(b []byte) error { return s.write(b) }

// Garbage sends n bytes of line noise that contain no CR or LF, so they never end a code.
func (s *Sim) Garbage(n int) error {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(0x80 + i*37%0x70) // deterministic, high bytes, never 0x0D or 0x0A
	}
	return s.write(b)
}

// Overlong sends a code of n bytes followed by the suffix.
func (s *Sim) Overlong(n int) error {
	b := bytes.Repeat([]byte("0123456789"), n/10+1)[:n]
	return s.write(append(b, s.o.Suffix...))
}

// ScanSplit sends payload[:at], waits pause, then the rest with the suffix, as an engine
// does when its UART FIFO drains in bursts. It ignores the trigger state.
func (s *Sim) ScanSplit(payload []byte, at int, pause time.Duration) error {
	at = min(max(at, 0), len(payload))
	if err := s.write(payload[:at]); err != nil {
		return err
	}
	time.Sleep(pause)
	return s.write(append(append([]byte(nil), payload[at:]...), s.o.Suffix...))
}

func (s *Sim) write(b []byte) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.o.Baud <= 0 {
		_, err := s.port.Write(b)
		return err
	}
	const chunk = 16
	for len(b) > 0 {
		n := min(chunk, len(b))
		if _, err := s.port.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
		time.Sleep(time.Duration(n*10) * time.Second / time.Duration(s.o.Baud))
	}
	return nil
}

// String names the simulator, e.g. "scannersim(/tmp/ttySCAN suffix=\"\\r\" command)".
func (s *Sim) String() string {
	mode := "continuous"
	if s.o.Command {
		mode = "command"
	}
	return fmt.Sprintf("scannersim(%s suffix=%q %s)", s.Path(), s.o.Suffix, mode)
}
