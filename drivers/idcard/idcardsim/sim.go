package idcardsim

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
	"unicode/utf16"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/serialport"
)

// Default scripted delays: how long the module "thinks" before it answers.
const (
	DefaultFindDelay   = 20 * time.Millisecond
	DefaultSelectDelay = 20 * time.Millisecond
	DefaultReadDelay   = 300 * time.Millisecond
)

// PhotoLen is the size of the WLT photo a card holds.
const PhotoLen = 1024

// Opts configures a Sim. A nil *Opts means no pacing, default delays and an empty reader.
type Opts struct {
	// Baud paces the answers (and the time a request takes to arrive) at 10 bits per byte,
	// as on the wire; zero means no pacing.
	Baud int
	// FindDelay is the scripted delay before answering find, and the SAM and baud commands;
	// zero means DefaultFindDelay, negative means none.
	FindDelay time.Duration
	// SelectDelay is the scripted delay before answering select; zero means
	// DefaultSelectDelay, negative means none.
	SelectDelay time.Duration
	// ReadDelay is the scripted delay before answering 30 01, 30 10 and 30 03; zero means
	// DefaultReadDelay, negative means none.
	ReadDelay time.Duration
	// SAMID is the 16 bytes answered to 12 FF; all zero means a fixed sample number.
	SAMID [16]byte
	// Persona, when not empty, is the key of a persona placed on the reader at start.
	Persona string
	// Bare answers find and select with the status alone. The zero value pads them as
	// CVR-100 and SS628 modules do (find: 9F and four zero bytes; select: 90 and eight), so
	// the default simulator sends byte for byte what those modules send.
	Bare bool
}

// Delays are the scripted delays a Sim adds, for a benchmark to subtract.
type Delays struct {
	Find, Select, Read time.Duration
}

// FaultKind selects a misbehaviour.
type FaultKind int

const (
	FaultNone            FaultKind = iota
	FaultGarbage                   // line noise, including a false preamble start, before every answer
	FaultBadChecksumOnce           // the next answer has a wrong CHK, then the fault clears
	FaultSilent                    // requests are read and never answered
	FaultSlow                      // every answer waits Fault.Delay more
	FaultLiftMidRead               // a read request drops the card and answers Fault.SW3
	FaultSAM                       // every command answers SW3 60 (SAM self-test failed)
	// FaultLateOnce answers the next request for Fault.Cmd/Fault.Para (any request when Cmd
	// is 0) only after Fault.Delay more, as a module busy with its antenna does, then clears:
	// set Delay beyond the driver's timeout and the answer arrives after the driver gave up.
	FaultLateOnce
)

// Fault is the misbehaviour injected with SetFault.
type Fault struct {
	Kind  FaultKind
	Delay time.Duration // FaultSlow
	SW3   byte          // FaultLiftMidRead: 0x41 (card read failed) when zero, or 0x80
	// Cmd and Para pick the request FaultLateOnce delays; Cmd 0 means the next one.
	Cmd, Para byte
}

func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "none"
	case FaultGarbage:
		return "garbage"
	case FaultBadChecksumOnce:
		return "bad-checksum-once"
	case FaultSilent:
		return "silent"
	case FaultSlow:
		return "slow"
	case FaultLiftMidRead:
		return "lift-mid-read"
	case FaultSAM:
		return "sam"
	case FaultLateOnce:
		return "late-once"
	}
	return fmt.Sprintf("fault(%d)", int(k))
}

// Sim is a GA 467 reader module with a card slot, speaking the real protocol on port (the
// master side of a pty in practice).
type Sim struct {
	port   io.ReadWriter
	delays Delays
	samID  [16]byte
	bare   bool
	pty    *serialport.Pty // set by Open

	mu       sync.Mutex
	baud     int
	card     *idcard.Card
	text     []byte
	photo    []byte
	finger   []byte
	appended string
	placed   bool
	read     bool // read since placed: find fails until the card is lifted and placed again
	fault    Fault
	served   int
}

func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// New returns a simulator on port. It does nothing until Run. When opts names a persona
// that does not exist, the reader starts empty (Open reports that case as an error).
func New(port io.ReadWriter, opts *Opts) *Sim {
	var o Opts
	if opts != nil {
		o = *opts
	}
	s := &Sim{
		port:   port,
		baud:   o.Baud,
		delays: Delays{orDefault(o.FindDelay, DefaultFindDelay), orDefault(o.SelectDelay, DefaultSelectDelay), orDefault(o.ReadDelay, DefaultReadDelay)},
		samID:  o.SAMID,
		bare:   o.Bare,
	}
	if s.samID == [16]byte{} {
		s.samID = [16]byte{5, 0, 1, 0, 0x8D, 0xC4, 0x32, 0x01, 0x2E, 0x16, 0x00, 0x00, 0x95, 0xB4, 0x3A, 0x07}
	}
	if p, ok := PersonaByKey(o.Persona); ok {
		_ = s.Place(p.Card, p.Card.Photo) // personas always encode
	}
	return s
}

// Open makes a pty with a symlink at link (or none, for ""), and a Sim on its master side.
// The driver opens s.Path(); Close removes the pty, which to the driver is an unplug.
func Open(link string, opts *Opts) (*Sim, error) {
	if opts != nil && opts.Persona != "" {
		if _, ok := PersonaByKey(opts.Persona); !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoPersona, opts.Persona)
		}
	}
	pty, err := serialport.NewPty(link)
	if err != nil {
		return nil, err
	}
	s := New(pty.Master, opts)
	s.pty = pty
	return s, nil
}

// Serve opens a simulator at link and runs it until ctx ends.
func Serve(ctx context.Context, link string, opts *Opts) error {
	s, err := Open(link, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Run(ctx)
}

// Path is the serial path a driver opens for a Sim made by Open, "" otherwise.
func (s *Sim) Path() string {
	if s.pty == nil {
		return ""
	}
	return s.pty.Path()
}

// Close removes the pty made by Open (Run then returns); for a Sim from New it does nothing,
// since the port belongs to the caller.
func (s *Sim) Close() error {
	if s.pty == nil {
		return nil
	}
	return s.pty.Close()
}

func (s *Sim) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("idcardsim(path=%s holding=%t fault=%s)", s.Path(), s.placed, s.fault.Kind)
}

// Delays are the scripted delays in force.
func (s *Sim) Delays() Delays { return s.delays }

// Served counts the requests answered or, with FaultSilent, swallowed.
func (s *Sim) Served() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served
}

// Place lays card on the reader as a fresh card (find will succeed once). photo is cut or
// zero-padded to PhotoLen; card.Fingerprint, if set, is answered to 30 10.
func (s *Sim) Place(card *idcard.Card, photo []byte) error {
	text, err := idcard.EncodeText(card)
	if err != nil {
		return err
	}
	p := make([]byte, PhotoLen)
	copy(p, photo)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.text, s.photo, s.placed, s.read = card, text, p, true, false
	s.finger = append([]byte(nil), card.Fingerprint...)
	s.appended = ""
	return nil
}

// SetAppendedAddress sets what 30 03 answers for the card on the reader; "" answers 91.
func (s *Sim) SetAppendedAddress(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appended = addr
}

// Lift takes the card off the reader.
func (s *Sim) Lift() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placed = false
}

// Holding reports whether a card lies on the reader.
func (s *Sim) Holding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placed
}

// SetFault injects a misbehaviour; Fault{} restores normal service.
func (s *Sim) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Run answers requests until ctx ends (it returns ctx.Err()) or the port is closed (it
// returns nil). A port with SetReadDeadline, like a pty master, is polled so that ctx is
// noticed within 100 ms; another port is noticed only when it closes.
func (s *Sim) Run(ctx context.Context) error {
	br := bufio.NewReader(&ctxReader{ctx: ctx, port: s.port})
	for {
		req, err := idcard.ReadRequest(br)
		switch {
		case err == nil:
			if err := s.serve(ctx, req); err != nil {
				return s.endErr(ctx, err)
			}
		case errors.Is(err, idcard.ErrFrameChecksum):
			// A module answers a corrupted request with SW3 10, and a bad LEN with 11.
			if err := s.writeFrame(ctx, idcard.EncodeResponse(0, 0, 0x10, nil)); err != nil {
				return s.endErr(ctx, err)
			}
		case errors.Is(err, idcard.ErrFrame):
			if err := s.writeFrame(ctx, idcard.EncodeResponse(0, 0, 0x11, nil)); err != nil {
				return s.endErr(ctx, err)
			}
		default:
			return s.endErr(ctx, err)
		}
	}
}

func (s *Sim) endErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EIO) {
		return nil
	}
	return err
}

// serve answers one request the way the module would.
func (s *Sim) serve(ctx context.Context, req *idcard.Request) error {
	s.mu.Lock()
	s.served++
	f := s.fault
	late := f.Kind == FaultLateOnce && (f.Cmd == 0 || f.Cmd == req.Cmd && f.Para == req.Para)
	if f.Kind == FaultBadChecksumOnce || late {
		s.fault = Fault{}
	}
	baud := s.baud
	sw3, data, delay := s.answerLocked(req, f)
	s.mu.Unlock()

	// The request took its wire time to arrive; the pty delivered it at once.
	if err := sleep(ctx, wireTime(10+len(req.Data), baud)); err != nil {
		return err
	}
	if f.Kind == FaultSilent {
		return nil
	}
	if f.Kind == FaultSlow || late {
		delay += f.Delay
	}
	if err := sleep(ctx, delay); err != nil {
		return err
	}
	out := idcard.EncodeResponse(0, 0, sw3, data)
	switch f.Kind {
	case FaultBadChecksumOnce:
		out[len(out)-1] ^= 0x5A
	case FaultGarbage:
		// A false start of the preamble, as a line glitch or an echo would leave it.
		out = append([]byte{0x00, 0xAA, 0xAA, 0x96, 0x13, 0xFF, 0xAA}, out...)
	}
	if err := s.writeFrame(ctx, out); err != nil {
		return err
	}
	if req.Cmd == idcard.CmdSetBaud && sw3 == idcard.SW3Success {
		s.mu.Lock()
		if s.baud != 0 {
			s.baud = baudOf(req.Para)
		}
		s.mu.Unlock()
	}
	return nil
}

// answerLocked decides SW3, data and the scripted delay; it changes the card state.
func (s *Sim) answerLocked(req *idcard.Request, f Fault) (byte, []byte, time.Duration) {
	delay := s.delays.Find
	if f.Kind == FaultSAM {
		return 0x60, nil, delay
	}
	switch uint16(req.Cmd)<<8 | uint16(req.Para) {
	case idcard.CmdResetSAM<<8 | idcard.ParaSAM, idcard.CmdSAMStatus<<8 | idcard.ParaSAM:
		return 0x90, nil, delay
	case idcard.CmdSAMID<<8 | idcard.ParaSAM:
		return 0x90, append([]byte(nil), s.samID[:]...), delay
	case idcard.CmdCard<<8 | idcard.ParaFind:
		if s.placed && !s.read {
			return 0x9F, s.padding(findPadding), delay
		}
		return 0x80, nil, delay
	case idcard.CmdCard<<8 | idcard.ParaSelect:
		if s.placed {
			return 0x90, s.padding(selectPadding), s.delays.Select
		}
		return 0x81, nil, s.delays.Select
	case idcard.CmdRead<<8 | idcard.ParaReadBase, idcard.CmdRead<<8 | idcard.ParaReadFinger:
		delay = s.delays.Read
		if f.Kind == FaultLiftMidRead {
			s.placed = false
			if f.SW3 != 0 {
				return f.SW3, nil, delay
			}
			return 0x41, nil, delay
		}
		if !s.placed {
			return 0x41, nil, delay
		}
		s.read = true
		return 0x90, s.readData(req.Para == idcard.ParaReadFinger), delay
	case idcard.CmdRead<<8 | idcard.ParaReadAppended:
		delay = s.delays.Read
		switch {
		case !s.placed:
			return 0x41, nil, delay
		case s.appended == "":
			return 0x91, nil, delay
		}
		return 0x90, appendedBlock(s.appended), delay
	}
	if req.Cmd == idcard.CmdSetBaud && req.Para <= 4 {
		return 0x90, nil, delay
	}
	return 0x21, nil, delay
}

// Zero bytes CVR-100 and SS628 modules append to a successful find and select.
const (
	findPadding   = 4
	selectPadding = 8
)

// padding is the vendor's zero padding of n bytes, or none for a bare simulator.
func (s *Sim) padding(n int) []byte {
	if s.bare {
		return nil
	}
	return make([]byte, n)
}

func (s *Sim) readData(finger bool) []byte {
	var out []byte
	out = binary.BigEndian.AppendUint16(out, uint16(len(s.text)))
	out = binary.BigEndian.AppendUint16(out, uint16(len(s.photo)))
	if finger {
		out = binary.BigEndian.AppendUint16(out, uint16(len(s.finger)))
	}
	out = append(out, s.text...)
	out = append(out, s.photo...)
	if finger {
		out = append(out, s.finger...)
	}
	return out
}

// appendedBlock is the appended address as 70 bytes of space-padded UCS-2 (unconfirmed).
func appendedBlock(addr string) []byte {
	out := make([]byte, 0, 70)
	for _, u := range utf16.Encode([]rune(addr)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	for len(out) < 70 {
		out = append(out, ' ', 0)
	}
	return out
}

func baudOf(para byte) int {
	return [...]int{115200, 57600, 38400, 19200, 9600}[para]
}

func wireTime(n, baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(int64(n) * 10 * int64(time.Second) / int64(baud))
}

// writeFrame writes b paced at the line speed: each chunk is released when its last byte
// would have arrived over the wire, so the driver sees the answer as a real line delivers it.
func (s *Sim) writeFrame(ctx context.Context, b []byte) error {
	s.mu.Lock()
	baud := s.baud
	s.mu.Unlock()
	if baud <= 0 {
		_, err := s.port.Write(b)
		return err
	}
	const chunk = 32
	start := time.Now()
	for off := 0; off < len(b); off += chunk {
		end := min(off+chunk, len(b))
		if err := sleep(ctx, time.Until(start.Add(wireTime(end, baud)))); err != nil {
			return err
		}
		if _, err := s.port.Write(b[off:end]); err != nil {
			return err
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ctxReader polls a port that supports read deadlines, so that Run notices ctx.
type ctxReader struct {
	ctx  context.Context
	port io.Reader
}

func (c *ctxReader) Read(b []byte) (int, error) {
	d, ok := c.port.(interface{ SetReadDeadline(time.Time) error })
	for {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
		if ok {
			if err := d.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
				ok = false
			}
		}
		n, err := c.port.Read(b)
		if ok && n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		return n, err
	}
}
