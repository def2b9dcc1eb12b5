package idcard

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/serialport"
)

// Default timeouts and retries (see Opts).
const (
	DefaultCommandTimeout = 500 * time.Millisecond
	DefaultReadTimeout    = 3 * time.Second
	DefaultRetries        = 2
	DefaultQuietGap       = 150 * time.Millisecond
)

// Counter names kept in the device status.
const (
	CounterCardsRead  = "cards_read"
	CounterReadErrors = "read_errors"
)

// Opts configures a Reader. A nil *Opts means every default below.
type Opts struct {
	// CommandTimeout bounds find, select and the SAM commands; zero means 500 ms.
	CommandTimeout time.Duration
	// ReadTimeout bounds the read commands (30 01, 30 10, 30 03); zero means 3 s.
	ReadTimeout time.Duration
	// Retries is how often a command is sent again after a garbled or missing answer; zero
	// means 2, a negative value means never.
	Retries int
	// QuietGap is how long the line must stay silent before a request is sent again after a
	// garbled frame, once no answer is owed any more; zero means 150 ms. It should exceed the
	// port's read timeout (100 ms on a serialport.Line), which is how silence is noticed.
	QuietGap time.Duration
	// Now stamps status changes; nil means time.Now.
	Now func() time.Time
}

func (o *Opts) withDefaults() Opts {
	var out Opts
	if o != nil {
		out = *o
	}
	if out.CommandTimeout <= 0 {
		out.CommandTimeout = DefaultCommandTimeout
	}
	if out.ReadTimeout <= 0 {
		out.ReadTimeout = DefaultReadTimeout
	}
	if out.QuietGap <= 0 {
		out.QuietGap = DefaultQuietGap
	}
	switch {
	case out.Retries == 0:
		out.Retries = DefaultRetries
	case out.Retries < 0:
		out.Retries = 0
	}
	return out
}

// Reader drives one GA 467 reader module. It is safe for concurrent use; commands are
// serialised, one frame exchange at a time.
type Reader struct {
	port io.ReadWriter
	opts Opts
	mon  *device.Monitor

	mu     sync.Mutex
	closed bool
	// owed counts requests sent whose answer has not been read: a timed-out or abandoned
	// attempt may still be answered, and that answer must not be taken for a later request.
	owed int
	// lateWait is how long an owed answer is waited for: the timeout of the command that
	// went unanswered.
	lateWait time.Duration
	// dirty: the last exchange ended in a garbled frame, so the rest of it may still be
	// arriving.
	dirty bool
}

// New returns a Reader on port, which it owns from now on (Close closes it if it is an
// io.Closer). port is normally a *serialport.Line, whose reads return
// serialport.ErrTimeout after ~100 ms of silence; any port must return from Read now and
// then, or a deadline cannot be noticed. Nothing is sent until the first call.
func New(port io.ReadWriter, opts *Opts) (*Reader, error) {
	if port == nil {
		return nil, fmt.Errorf("%w: nil port", ErrNoDevice)
	}
	o := opts.withDefaults()
	return &Reader{port: port, opts: o, mon: device.NewMonitor("idcard", o.Now)}, nil
}

// String names the reader and its port; it never holds card data.
func (r *Reader) String() string {
	if s, ok := r.port.(fmt.Stringer); ok {
		return "idcard reader on " + s.String()
	}
	return "idcard reader"
}

// Status is the reader's current device status.
func (r *Reader) Status() device.Status { return r.mon.Status() }

// Subscribe tells of every status change until the returned function is called.
func (r *Reader) Subscribe() (<-chan device.Status, func()) { return r.mon.Subscribe() }

// Close waits for the command in flight (at most its timeouts and the settling wait before
// each retry), then closes the port.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if c, ok := r.port.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// ReadCard finds, selects and reads the card on the reader (20 01, 20 02, 30 01). With no
// card it returns ErrNoCard; a card already read answers ErrNoCard too until it is lifted
// and placed again (see Present).
func (r *Reader) ReadCard(ctx context.Context) (*Card, error) {
	return r.readCounted(ctx, ParaReadBase, true)
}

// ReadCardWithFingerprint is ReadCard with 30 10: Card.Fingerprint holds the fingerprint
// data (1024 bytes), or is empty for a card without one.
func (r *Reader) ReadCardWithFingerprint(ctx context.Context) (*Card, error) {
	return r.readCounted(ctx, ParaReadFinger, true)
}

// ReadPresent reads the card lying on the reader, also one already read: it selects and
// reads (20 02, 30 01) without the find that answers ErrNoCard for a card already read. A
// self-test uses it for the card the technician left on the reader; with no card it
// returns ErrNoCard. A taxpayer's card is read with ReadCard, which needs the card placed.
func (r *Reader) ReadPresent(ctx context.Context) (*Card, error) {
	return r.readCounted(ctx, ParaReadBase, false)
}

func (r *Reader) readCounted(ctx context.Context, para byte, find bool) (*Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	c, err := r.readCard(ctx, para, find)
	switch {
	case err == nil:
		r.mon.Count(CounterCardsRead, 1)
	case errors.Is(err, ErrCardLifted) || !errors.Is(err, ErrNoCard) && ctx.Err() == nil:
		r.mon.Count(CounterReadErrors, 1)
	}
	return c, err
}

// readCard finds (unless find is false), selects and reads the card.
func (r *Reader) readCard(ctx context.Context, para byte, find bool) (*Card, error) {
	if find {
		if _, err := r.command(ctx, CmdCard, ParaFind, nil); err != nil {
			return nil, err
		}
		r.setMedia(device.MediaPresent)
	}
	if _, err := r.command(ctx, CmdCard, ParaSelect, nil); err != nil {
		if errors.Is(err, ErrNoCard) || errors.Is(err, ErrSelectFailed) {
			r.setMedia(device.MediaNotPresent)
			if !find { // nothing was found, so nothing was lifted: there is no card
				return nil, fmt.Errorf("%w: %w", ErrNoCard, err)
			}
			return nil, fmt.Errorf("%w: %w", ErrCardLifted, err)
		}
		return nil, err
	}
	r.setMedia(device.MediaPresent)
	resp, err := r.command(ctx, CmdRead, para, nil)
	if err != nil {
		var se *StatusError
		if !errors.As(err, &se) {
			return nil, err
		}
		// A failed read is told apart from a lifted card by asking whether it is still there.
		if _, perr := r.command(ctx, CmdCard, ParaSelect, nil); errors.Is(perr, ErrNoCard) || errors.Is(perr, ErrSelectFailed) {
			r.setMedia(device.MediaNotPresent)
			return nil, fmt.Errorf("%w: %w", ErrCardLifted, err)
		}
		return nil, err
	}
	return parseRead(resp.Data, para == ParaReadFinger)
}

// parseRead splits a 30 01 / 30 10 answer: text length, photo length, [fingerprint length],
// text, photo, [fingerprint]; lengths are big-endian.
func parseRead(data []byte, finger bool) (*Card, error) {
	nLens := 2
	if finger {
		nLens = 3
	}
	if len(data) < 2*nLens {
		return nil, fmt.Errorf("%w: answer of %d bytes", ErrBadText, len(data))
	}
	lens := make([]int, nLens)
	total := 2 * nLens
	for i := range lens {
		lens[i] = int(binary.BigEndian.Uint16(data[2*i:]))
		total += lens[i]
	}
	if total != len(data) {
		return nil, fmt.Errorf("%w: lengths add to %d, answer has %d bytes", ErrBadText, total, len(data))
	}
	p := data[2*nLens:]
	c, err := ParseText(p[:lens[0]])
	if err != nil {
		return nil, err
	}
	p = p[lens[0]:]
	c.Photo = append([]byte(nil), p[:lens[1]]...)
	if finger && lens[2] > 0 {
		c.Fingerprint = append([]byte(nil), p[lens[1]:]...)
	}
	return c, nil
}

// ReadAppendedAddress reads the address added after issue (30 03), "" if there is none
// (SW3 91). The answer is taken as UCS-2 text, like the text block (unconfirmed).
func (r *Reader) ReadAppendedAddress(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", ErrClosed
	}
	resp, err := r.command(ctx, CmdRead, ParaReadAppended, nil)
	if errors.Is(err, ErrNoContent) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if len(resp.Data)%2 != 0 {
		return "", fmt.Errorf("%w: appended address of %d bytes", ErrBadText, len(resp.Data))
	}
	return decodeUCS2(resp.Data), nil
}

// Present tells whether a card lies on the reader, without reading it. The presence rule:
// find (20 01) answering 9F means a card not read yet; otherwise select (20 02) answering 90
// means the card read before is still there, and 81 means the reader is empty (an 80 in
// select's place is a find's late answer, see answerFits). A kiosk calls it after ReadCard
// to wait until the taxpayer takes the card back.
func (r *Reader) Present(ctx context.Context) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false, ErrClosed
	}
	_, err := r.command(ctx, CmdCard, ParaFind, nil)
	if err == nil {
		r.setMedia(device.MediaPresent)
		return true, nil
	}
	var se *StatusError
	if !errors.As(err, &se) {
		return false, err
	}
	_, err = r.command(ctx, CmdCard, ParaSelect, nil)
	switch {
	case err == nil:
		r.setMedia(device.MediaPresent)
		return true, nil
	case errors.Is(err, ErrNoCard), errors.Is(err, ErrSelectFailed):
		r.setMedia(device.MediaNotPresent)
		return false, nil
	}
	return false, err
}

// ResetSAM resets the security module (10 FF).
func (r *Reader) ResetSAM(ctx context.Context) error { return r.simple(ctx, CmdResetSAM, ParaSAM) }

// SAMStatus asks the security module for its state (11 FF); nil means ready.
func (r *Reader) SAMStatus(ctx context.Context) error { return r.simple(ctx, CmdSAMStatus, ParaSAM) }

func (r *Reader) simple(ctx context.Context, cmd, para byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	_, err := r.command(ctx, cmd, para, nil)
	return err
}

// SAMIDLen is the size of the SAM ID in a 12 FF answer.
const SAMIDLen = 16

// SAMID reads the security module's number (12 FF): the text as printed by vendor tools
// (see FormatSAMID) and the 16 raw bytes. The text also becomes the status Serial.
func (r *Reader) SAMID(ctx context.Context) (string, []byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", nil, ErrClosed
	}
	resp, err := r.command(ctx, CmdSAMID, ParaSAM, nil)
	if err != nil {
		return "", nil, err
	}
	text, err := FormatSAMID(resp.Data)
	if err != nil {
		return "", nil, err
	}
	r.mon.Update(func(s *device.Status) { s.Serial = text })
	return text, append([]byte(nil), resp.Data...), nil
}

// FormatSAMID prints a SAM ID as HslCommunication's SAMSerial does:
// byte0.byte2-int32le(4)-int32le(8)-int32le(12), the last two with nine digits at least.
// The layout is unconfirmed by other sources, so it lives only here.
func FormatSAMID(raw []byte) (string, error) {
	if len(raw) != SAMIDLen {
		return "", fmt.Errorf("%w: SAM ID of %d bytes, want %d", ErrFrame, len(raw), SAMIDLen)
	}
	le := func(i int) int32 { return int32(binary.LittleEndian.Uint32(raw[i:])) }
	return fmt.Sprintf("%02d.%02d-%d-%09d-%09d", raw[0], raw[2], le(4), le(8), le(12)), nil
}

// BaudPara maps a line speed to the PARA of set baud (60 xx).
func BaudPara(baud int) (byte, error) {
	switch baud {
	case 115200:
		return 0x00, nil
	case 57600:
		return 0x01, nil
	case 38400:
		return 0x02, nil
	case 19200:
		return 0x03, nil
	case 9600:
		return 0x04, nil
	}
	return 0, fmt.Errorf("%w: %d", ErrBadBaud, baud)
}

// SetBaud switches the module's line speed (60 00..04). The answer comes at the old speed;
// the port must then be reopened at the new one, which this driver does not do itself.
func (r *Reader) SetBaud(ctx context.Context, baud int) error {
	para, err := BaudPara(baud)
	if err != nil {
		return err
	}
	return r.simple(ctx, CmdSetBaud, para)
}

// command sends one command and waits for its answer, sending it again after a garbled or
// missing answer, and keeps the device status current. A non-success SW3 comes back as a
// *StatusError together with the response.
func (r *Reader) command(ctx context.Context, cmd, para byte, data []byte) (*Response, error) {
	timeout := r.opts.CommandTimeout
	if cmd == CmdRead {
		timeout = r.opts.ReadTimeout
	}
	var resp *Response
	var err error
	for attempt := 0; attempt <= r.opts.Retries; attempt++ {
		resp, err = r.exchangeOnce(ctx, cmd, para, data, timeout)
		if !retryable(err) || ctx.Err() != nil {
			break
		}
	}
	if err == nil {
		err = resp.Err(cmd, para)
	}
	r.record(err)
	return resp, err
}

// retryable: the line garbled the frame, or the module saw our frame garbled.
func retryable(err error) bool {
	return errors.Is(err, ErrNoAnswer) || errors.Is(err, ErrFrame) || errors.Is(err, ErrFrameChecksum) ||
		errors.Is(err, ErrChecksum) || errors.Is(err, ErrLength)
}

// exchangeOnce is one attempt: let the line settle, discard stale input, write the request,
// read the answer, skipping any that cannot be this command's (see answerFits).
func (r *Reader) exchangeOnce(ctx context.Context, cmd, para byte, data []byte, timeout time.Duration) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.settle(ctx); err != nil {
		return nil, err
	}
	if f, ok := r.port.(interface{ Flush() error }); ok {
		_ = f.Flush() // an absent port fails the write below with the real cause
	}
	if _, err := r.port.Write(EncodeRequest(cmd, para, data)); err != nil {
		r.owed, r.dirty = 0, false // a port that is gone owes nothing
		return nil, portError(err)
	}
	r.owed++
	r.lateWait = max(r.lateWait, timeout)
	lr := &lineReader{ctx: ctx, port: r.port, deadline: time.Now().Add(timeout)}
	br := bufio.NewReaderSize(lr, MaxFrameLen)
	for {
		resp, err := ReadResponse(br)
		switch {
		case err == nil:
			r.answered()
			if !answerFits(cmd, para, resp) {
				continue
			}
		case errors.Is(err, errSilent):
			return nil, fmt.Errorf("%w: command %02X %02X within %v", ErrNoAnswer, cmd, para, timeout)
		case errors.Is(err, context.DeadlineExceeded):
			return nil, fmt.Errorf("%w: command %02X %02X: %w", ErrNoAnswer, cmd, para, err)
		case errors.Is(err, context.Canceled):
			return nil, err
		case errors.Is(err, ErrFrameChecksum):
			r.answered()
			r.dirty = true
			return nil, err
		case errors.Is(err, ErrFrame):
			r.dirty = true
			return nil, err
		default:
			r.owed, r.dirty = 0, false
			return nil, portError(err)
		}
		if resp.SW3 == 0x10 || resp.SW3 == 0x11 {
			return resp, resp.Err(cmd, para)
		}
		return resp, nil
	}
}

// answered notes that a frame arrived for one of the requests sent.
func (r *Reader) answered() {
	if r.owed > 0 {
		r.owed--
	}
}

// settle runs before a request when an earlier one left the line in doubt: it reads and
// discards frames until every owed answer has come (or lateWait passed without a byte) and
// then the line stayed silent for QuietGap. Without it a late answer that arrives after the
// flush would be read as the answer to the next request. It waits at most twice lateWait
// plus QuietGap, so a module that never answers costs a bounded delay per attempt.
func (r *Reader) settle(ctx context.Context) error {
	if r.owed == 0 && !r.dirty {
		return nil
	}
	start := time.Now()
	dr := &drainReader{ctx: ctx, port: r.port, limit: start.Add(2*r.lateWait + r.opts.QuietGap), last: start}
	br := bufio.NewReaderSize(dr, MaxFrameLen)
	for {
		dr.gap = r.opts.QuietGap
		if r.owed > 0 {
			dr.gap = max(r.lateWait, r.opts.QuietGap)
		}
		_, err := ReadResponse(br)
		switch {
		case err == nil, errors.Is(err, ErrFrameChecksum):
			r.answered()
		case errors.Is(err, ErrFrame):
		case errors.Is(err, errSilent):
			r.owed, r.dirty, r.lateWait = 0, false, 0
			return nil
		case errors.Is(err, context.DeadlineExceeded):
			return fmt.Errorf("%w: waiting for the line to fall silent: %w", ErrNoAnswer, err)
		case errors.Is(err, context.Canceled):
			return err
		default:
			// The port is gone or failing; the write that follows reports the real cause.
			r.owed, r.dirty, r.lateWait = 0, false, 0
			return nil
		}
	}
}

// portError turns a port failure into ErrNoDevice: the port is unplugged or closed.
func portError(err error) error {
	if errors.Is(err, serialport.ErrNoDevice) || errors.Is(err, serialport.ErrGone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrClosed) ||
		errors.Is(err, io.ErrClosedPipe) {
		return fmt.Errorf("%w: %w", ErrNoDevice, err)
	}
	return err
}

// record keeps the monitor in step with the outcome of one command.
func (r *Reader) record(err error) {
	var se *StatusError
	switch {
	case err == nil:
		r.setState(device.Online)
	case errors.As(err, &se):
		if samFault(err) {
			r.fail(device.HWError, "sam_fault", se.VendorCode(), err)
		} else {
			r.setState(device.Online)
		}
	case errors.Is(err, ErrNoDevice):
		r.fail(device.NoDevice, "no_device", "", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The caller gave up; that says nothing about the reader.
	case errors.Is(err, ErrNoAnswer):
		r.fail(device.Offline, "no_answer", "", err)
	case errors.Is(err, ErrFrame), errors.Is(err, ErrFrameChecksum):
		r.fail(device.Offline, "bad_frame", "", err)
	}
}

func (r *Reader) setState(st device.State) {
	r.mon.Update(func(s *device.Status) { s.State = st })
}

func (r *Reader) setMedia(m device.Media) {
	r.mon.Update(func(s *device.Status) { s.Media = m })
}

// fail records err unless the same fault is already recorded, so that a poll loop against
// an unplugged reader does not wake subscribers on every call.
func (r *Reader) fail(st device.State, code, vendor string, err error) {
	cur := r.mon.Status()
	if cur.State == st && cur.LastError != nil && cur.LastError.Code == code && cur.LastError.VendorCode == vendor {
		return
	}
	if st != device.Online {
		r.mon.Update(func(s *device.Status) { s.Media = device.MediaUnknown })
	}
	r.mon.Fail(st, code, vendor, err)
}

// lineReader turns the port's periodic read timeouts into one wait bounded by the command's
// deadline and the context.
type lineReader struct {
	ctx      context.Context
	port     io.Reader
	deadline time.Time
}

func (l *lineReader) Read(b []byte) (int, error) {
	for {
		if err := l.ctx.Err(); err != nil {
			return 0, err
		}
		if !time.Now().Before(l.deadline) {
			return 0, errSilent
		}
		n, err := l.port.Read(b)
		if n > 0 {
			return n, nil
		}
		if err != nil && !errors.Is(err, serialport.ErrTimeout) {
			return 0, err
		}
	}
}

// drainReader reads until the line has been silent for gap since its last byte, or until
// limit, whichever comes first; then it returns errSilent.
type drainReader struct {
	ctx   context.Context
	port  io.Reader
	gap   time.Duration
	limit time.Time
	last  time.Time
}

func (d *drainReader) Read(b []byte) (int, error) {
	for {
		if err := d.ctx.Err(); err != nil {
			return 0, err
		}
		now := time.Now()
		if now.Sub(d.last) >= d.gap || !now.Before(d.limit) {
			return 0, errSilent
		}
		n, err := d.port.Read(b)
		if n > 0 {
			d.last = time.Now()
			return n, nil
		}
		if err != nil && !errors.Is(err, serialport.ErrTimeout) {
			return 0, err
		}
	}
}
