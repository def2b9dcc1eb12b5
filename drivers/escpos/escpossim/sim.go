package escpossim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
)

// DefaultColumns is the paper width of the simulated printer when Opts.Columns is zero:
// 80 mm paper, 48 half-width columns.
const DefaultColumns = 48

// Opts configures a Sim. A nil *Opts means defaults.
type Opts struct {
	// Columns is the paper width in half-width columns (32 for 58 mm, 48 for 80 mm); zero
	// means DefaultColumns.
	Columns int
}

// Paper states taken by SetPaper, the same strings escpos.Status uses.
const (
	PaperOK      = "ok"
	PaperNearEnd = "near_end"
	PaperEnd     = "end"
)

// Error causes taken by SetError, the same strings escpos.Status uses.
const (
	ErrorNone            = ""
	ErrorAutocutter      = "autocutter"
	ErrorUnrecoverable   = "unrecoverable"
	ErrorAutoRecoverable = "auto_recoverable"
)

// Sim is a simulated receipt printer. Its methods are safe to call while Run is running.
type Sim struct {
	port io.ReadWriter
	wmu  sync.Mutex // keeps one answer's bytes together on the port

	mu        sync.Mutex
	m         *machine
	paper     string
	cover     bool
	offline   bool
	errCause  string
	fault     Fault
	printed   int // job bytes printed since the fault was set, for FaultPaperOutAfter
	jobBytes  int // job bytes received, printed or discarded
	discarded int
	queries   int
	asbOn     bool
	out       []byte // answers to send once the bytes in hand are interpreted
	onReceipt func(Receipt)
	pending   []byte
}

// New returns a simulated printer on port, idle with paper loaded. Nothing happens until
// Run reads the port.
func New(port io.ReadWriter, opts *Opts) *Sim {
	cols := DefaultColumns
	if opts != nil && opts.Columns > 0 {
		cols = opts.Columns
	}
	s := &Sim{port: port, paper: PaperOK}
	s.m = newMachine(cols)
	s.m.query = s.queryLocked
	s.m.asb = s.asbLocked
	return s
}

// Run reads and interprets the port until ctx ends or the port fails. It returns nil when
// ctx ended, else the read error.
func (s *Sim) Run(ctx context.Context) error {
	type deadliner interface{ SetReadDeadline(time.Time) error }
	dl, _ := s.port.(deadliner)
	if dl != nil && dl.SetReadDeadline(time.Time{}) != nil {
		dl = nil // not pollable: closing the port is what stops Run
	}
	buf := make([]byte, 4096)
	for {
		if ctx.Err() != nil {
			return nil
		}
		if dl != nil {
			_ = dl.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		}
		n, err := s.port.Read(buf)
		if n > 0 {
			if _, werr := s.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
		case ctx.Err() != nil:
			return nil
		default:
			return err
		}
	}
}

// Write feeds bytes to the printer as if they came down the cable and sends the answers
// they ask for; Run calls it, and tests may call it directly. It takes all of p and fails
// only when an answer cannot be written.
func (s *Sim) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.pending = append(s.pending, p...)
	var done []Receipt
	for len(s.pending) > 0 {
		ready := s.readyLocked()
		s.m.quiet = !ready
		had := len(s.m.receipts)
		n, realtime := s.m.one(s.pending)
		if n == 0 {
			break
		}
		s.pending = s.pending[n:]
		if !realtime {
			s.countLocked(n, ready)
		}
		done = append(done, s.m.receipts[had:]...)
	}
	s.pending = slices.Clip(s.pending)
	out := s.out
	s.out = nil
	delay := time.Duration(0)
	if s.fault.Kind == FaultSlow && len(out) > 0 {
		delay = s.fault.Delay
		if delay == 0 {
			delay = DefaultSlowDelay
		}
	}
	cb := s.onReceipt
	s.mu.Unlock()

	if cb != nil {
		for _, r := range done {
			cb(r)
		}
	}
	if len(out) == 0 {
		return len(p), nil
	}
	time.Sleep(delay)
	return len(p), s.send(out)
}

func (s *Sim) send(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.port.Write(b)
	return err
}

func (s *Sim) countLocked(n int, ready bool) {
	s.jobBytes += n
	if !ready {
		s.discarded += n
		return
	}
	s.printed += n
	stop := s.fault.Kind == FaultPaperOutAfter || s.fault.Kind == FaultCoverOpenAfter
	if stop && s.printed >= s.fault.Bytes {
		s.m.cur.Reset() // a line not yet fed is never printed
		s.m.curCols = 0
		r := s.m.take(false) // the torn-off part, uncut
		if r.Text != "" {
			s.m.receipts = append(s.m.receipts, r)
		}
		if s.fault.Kind == FaultPaperOutAfter {
			s.paper = PaperEnd
		} else {
			s.cover = true
		}
		s.fault = Fault{}
		s.asbChangedLocked()
	}
}

// readyLocked reports whether the printer prints what it is sent.
func (s *Sim) readyLocked() bool {
	return s.paper != PaperEnd && !s.cover && !s.offline && s.errCause == ErrorNone
}

// queryLocked answers DLE EOT n per the bit layout of the protocol notes.
func (s *Sim) queryLocked(n byte) {
	s.queries++
	switch s.fault.Kind {
	case FaultSilent:
		return
	case FaultGarbage:
		s.out = append(s.out, s.statusLocked(n)^0x81) // bits 0 and 7 set: fixed bits wrong
		return
	}
	s.out = append(s.out, s.statusLocked(n))
}

func (s *Sim) statusLocked(n byte) byte {
	b := byte(0x12)
	switch n {
	case 1:
		if !s.readyLocked() {
			b |= 0x08 // offline
		}
		if s.errCause == ErrorAutoRecoverable || s.paper == PaperEnd || s.cover {
			b |= 0x20 // waiting for online recovery
		}
	case 2:
		if s.cover {
			b |= 0x04
		}
		if s.paper == PaperEnd {
			b |= 0x20
		}
		if s.errCause != ErrorNone {
			b |= 0x40
		}
	case 3:
		switch s.errCause {
		case ErrorAutocutter:
			b |= 0x08
		case ErrorUnrecoverable:
			b |= 0x20
		case ErrorAutoRecoverable:
			b |= 0x40
		}
	case 4:
		switch s.paper {
		case PaperNearEnd:
			b |= 0x0c
		case PaperEnd:
			b |= 0x0c | 0x60 // the near-end sensor sees no paper either
		}
	}
	return b
}

// asbLocked runs GS a n: any n but 0 enables automatic status back, and the printer
// sends the current status at once.
func (s *Sim) asbLocked(n byte) {
	s.asbOn = n != 0
	s.asbChangedLocked()
}

func (s *Sim) asbChangedLocked() {
	if !s.asbOn || s.fault.Kind == FaultSilent {
		return
	}
	b := [4]byte{0x10, 0, 0, 0}
	if !s.readyLocked() {
		b[0] |= 0x08
	}
	if s.cover {
		b[0] |= 0x20
	}
	switch s.errCause {
	case ErrorAutocutter:
		b[1] |= 0x08
	case ErrorUnrecoverable:
		b[1] |= 0x20
	case ErrorAutoRecoverable:
		b[1] |= 0x40
	}
	switch s.paper {
	case PaperNearEnd:
		b[2] |= 0x03
	case PaperEnd:
		b[2] |= 0x03 | 0x0c
	}
	s.out = append(s.out, b[:]...)
}

// update applies a state change and sends an automatic status block if enabled.
func (s *Sim) update(f func()) {
	s.mu.Lock()
	f()
	s.asbChangedLocked()
	out := s.out
	s.out = nil
	s.mu.Unlock()
	if len(out) > 0 {
		_ = s.send(out) // a setter has no caller to tell; Run sees a dead port itself
	}
}

// SetPaper sets the roll: PaperOK, PaperNearEnd or PaperEnd. What was sent while the
// paper was out stays discarded; the driver prints the job again.
func (s *Sim) SetPaper(state string) error {
	switch state {
	case PaperOK, PaperNearEnd, PaperEnd:
	default:
		return fmt.Errorf("%w: paper %q (want ok, near_end or end)", ErrBadState, state)
	}
	s.update(func() { s.paper = state })
	return nil
}

// SetCover opens or closes the cover; an open cover takes the printer offline.
func (s *Sim) SetCover(open bool) { s.update(func() { s.cover = open }) }

// SetOffline takes the printer offline for no cause it reports.
func (s *Sim) SetOffline(off bool) { s.update(func() { s.offline = off }) }

// SetError sets an error cause reported by DLE EOT 3 (ErrorNone clears it).
func (s *Sim) SetError(cause string) error {
	switch cause {
	case ErrorNone, ErrorAutocutter, ErrorUnrecoverable, ErrorAutoRecoverable:
	default:
		return fmt.Errorf("%w: error cause %q (want \"\", autocutter, unrecoverable or auto_recoverable)", ErrBadState, cause)
	}
	s.update(func() { s.errCause = cause })
	return nil
}

// SetFault injects f, replacing any fault before; a paper-out or cover-open fault counts
// job bytes from now and clears itself when it fires.
func (s *Sim) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.printed = 0
	s.mu.Unlock()
}

// OnReceipt calls f, from the goroutine running Run, with each receipt as it is finished.
func (s *Sim) OnReceipt(f func(Receipt)) {
	s.mu.Lock()
	s.onReceipt = f
	s.mu.Unlock()
}

// Receipts returns the receipts finished so far: cut ones, and uncut ones torn off by the
// paper running out.
func (s *Sim) Receipts() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.m.receipts)
}

// TakeReceipts returns the finished receipts and empties the tray, as taxpayers take their
// receipts: a simulator that runs for days then holds only what nobody took.
func (s *Sim) TakeReceipts() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.m.receipts
	s.m.receipts = nil
	return out
}

// Unknown lists the commands skipped as unknown, e.g. "ESC p" or "GS ( L".
func (s *Sim) Unknown() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.m.unknown)
}

// JobBytes counts the bytes received other than real-time status queries, printed or not.
func (s *Sim) JobBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobBytes
}

// Discarded counts job bytes dropped while the printer could not print.
func (s *Sim) Discarded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.discarded
}

// Queries counts the real-time status queries received.
func (s *Sim) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

func (s *Sim) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	cover := "closed"
	if s.cover {
		cover = "open"
	}
	out := fmt.Sprintf("escpossim: paper=%s cover=%s offline=%t fault=%s receipts=%d", s.paper, cover, s.offline, s.fault, len(s.m.receipts))
	if s.errCause != ErrorNone {
		out += " error=" + s.errCause
	}
	return out
}
