package escpos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/serialport"
)

// Defaults for Opts fields left zero.
const (
	DefaultStatusTimeout = 500 * time.Millisecond
	DefaultChunkSize     = 256
)

// Opts configures a Printer. A nil *Opts means all defaults.
type Opts struct {
	// Render is how documents are rendered; the zero value means 80 mm paper, GB18030,
	// partial cut, lenient encoding, 500-byte QR cap (see RenderOpts).
	Render RenderOpts
	// StatusTimeout bounds the wait for each status byte; zero means DefaultStatusTimeout.
	StatusTimeout time.Duration
	// ChunkSize is roughly how many bytes are written between status checks during a job
	// (chunks end on command boundaries, so a long QR payload makes a longer chunk); zero
	// means DefaultChunkSize.
	ChunkSize int
	// Now is the clock for status timestamps; nil means time.Now.
	Now func() time.Time
}

// Job is one receipt to print.
type Job struct {
	ID  string // the caller's reference, e.g. the transaction ID; shown in logs
	Doc *Document
}

// Job states in JobResult.State.
const (
	JobPrinted = "printed"
	JobFailed  = "failed"
)

// JobResult is what became of a job.
type JobResult struct {
	ID    string `json:"id"`
	State string `json:"state"` // JobPrinted or JobFailed
	// Bytes is how many bytes were written to the printer; zero when the job was refused.
	Bytes int `json:"bytes"`
	// NearEnd warns that the roll is nearly used up; the job itself printed.
	NearEnd bool `json:"near_end"`
	// Reprintable is set on a failed job that may be sent again once the cause is cleared
	// (paper loaded, cover closed, printer back): the paper holds at most a torn part of it.
	Reprintable bool  `json:"reprintable"`
	Err         error `json:"-"`
}

// Printer drives one ESC/POS receipt printer. Its methods are safe for concurrent use; jobs
// and status queries take turns, one at a time.
type Printer struct {
	port io.ReadWriter
	opts Opts
	mon  *device.Monitor
	turn chan struct{} // holds one token: who has it may talk to the printer

	// Owned by the holder of turn.
	in     []byte  // bytes read but not yet consumed
	stale  bool    // an answer may still be on its way from an abandoned query
	closed bool    // set under turn by Close
	paper  float64 // paper fed but not yet counted in whole millimetres
}

// New returns a driver for the printer on port. port reads must return after a while when
// nothing arrives (serialport.Port and Line return serialport.ErrTimeout after their read
// timeout); that is how a context deadline is noticed. Nothing is sent until the first
// call, and the device status reads no_device until a call has reached the printer.
func New(port io.ReadWriter, opts *Opts) (*Printer, error) {
	if port == nil {
		return nil, ErrNoPort
	}
	p := &Printer{port: port, turn: make(chan struct{}, 1)}
	if opts != nil {
		p.opts = *opts
	}
	if _, err := p.opts.Render.columns(); err != nil {
		return nil, err
	}
	if p.opts.StatusTimeout <= 0 {
		p.opts.StatusTimeout = DefaultStatusTimeout
	}
	if p.opts.ChunkSize <= 0 {
		p.opts.ChunkSize = DefaultChunkSize
	}
	if p.opts.Now == nil {
		p.opts.Now = time.Now
	}
	p.mon = device.NewMonitor("printer", p.opts.Now)
	p.turn <- struct{}{}
	return p, nil
}

func (p *Printer) acquire(ctx context.Context) error {
	select {
	case <-p.turn:
	case <-ctx.Done():
		return ctx.Err()
	}
	if p.closed {
		p.turn <- struct{}{}
		return ErrClosed
	}
	return nil
}

func (p *Printer) release() { p.turn <- struct{}{} }

// Status asks the printer for DLE EOT 1 to 4 and updates the device status. A printer
// that stays silent gives ErrNoAnswer and the device goes offline; an absent port gives
// serialport.ErrNoDevice or ErrGone and the device state no_device. The returned Status is
// valid whenever the error is nil; a printer that cannot print is not an error here (see
// Status.Err).
func (p *Printer) Status(ctx context.Context) (Status, error) {
	if err := p.acquire(ctx); err != nil {
		return Status{}, err
	}
	defer p.release()
	return p.status(ctx)
}

func (p *Printer) status(ctx context.Context) (Status, error) {
	st, err := p.query(ctx)
	if err != nil {
		// The caller giving up says nothing about the printer.
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			p.fail(err, "")
		}
		return Status{}, err
	}
	p.apply(st)
	return st, nil
}

// query does one round of DLE EOT 1..4.
func (p *Printer) query(ctx context.Context) (Status, error) {
	if p.stale {
		p.drain()
	}
	var ans [4]byte
	for n := 1; n <= 4; n++ {
		if _, err := p.port.Write(StatusQuery(n)); err != nil {
			return Status{}, fmt.Errorf("escpos: DLE EOT %d: %w", n, err)
		}
		b, err := p.answer(ctx)
		if err != nil {
			return Status{}, fmt.Errorf("escpos: DLE EOT %d: %w", n, err)
		}
		ans[n-1] = b
	}
	return ParseStatus(ans[:])
}

// answer reads the next DLE EOT answer, skipping automatic status blocks.
func (p *Printer) answer(ctx context.Context) (byte, error) {
	silent := fmt.Errorf("%w after %v", ErrNoAnswer, p.opts.StatusTimeout)
	ctx, cancel := context.WithTimeoutCause(ctx, p.opts.StatusTimeout, silent)
	defer cancel()
	buf := make([]byte, 64)
	for {
		b, ok, err := p.next()
		if ok || err != nil {
			return b, err
		}
		if ctx.Err() != nil {
			p.stale = true
			return 0, context.Cause(ctx)
		}
		n, err := p.port.Read(buf)
		p.in = append(p.in, buf[:n]...)
		switch {
		case n > 0, errors.Is(err, serialport.ErrTimeout):
		case err == nil || errors.Is(err, io.EOF):
			time.Sleep(10 * time.Millisecond) // a port without read timeouts: poll
		default:
			return 0, err
		}
	}
}

// next takes a DLE EOT answer from the bytes read so far; ok is false when more are needed.
func (p *Printer) next() (b byte, ok bool, err error) {
	for len(p.in) > 0 {
		b = p.in[0]
		switch {
		case IsStatusByte(b):
			p.in = p.in[1:]
			return b, true, nil
		case IsASBStart(b) && len(p.in) < ASBLen:
			return 0, false, nil
		case IsASBStart(b):
			if st, err := ParseASB(p.in[:ASBLen]); err == nil {
				p.in = p.in[ASBLen:]
				p.apply(st)
				continue
			}
		}
		p.in = p.in[1:]
		p.stale = true
		return 0, false, fmt.Errorf("%w: 0x%02x", ErrBadStatus, b)
	}
	return 0, false, nil
}

// drain discards what a silent or slow printer sent late, so that an old answer is not
// taken for the next one.
func (p *Printer) drain() {
	p.in = p.in[:0]
	buf := make([]byte, 64)
	for range 8 {
		n, err := p.port.Read(buf)
		if n == 0 || err != nil {
			break
		}
	}
	p.stale = false
}

// apply records a good status in the device monitor.
func (p *Printer) apply(st Status) {
	err := st.Err()
	p.mon.Update(func(s *device.Status) {
		switch {
		case st.Paper == PaperEnd:
			s.Paper = device.PaperOut
		case st.Paper == PaperNearEnd:
			s.Paper = device.PaperLow
		default:
			s.Paper = device.PaperFull
		}
		s.CoverOpen = st.CoverOpen
		if err == nil {
			if s.State != device.Busy {
				s.State = device.Online
			}
			return
		}
		s.State = stateOf(err)
		if s.LastError == nil || s.LastError.Code != code(err) {
			s.LastError = &device.Error{Code: code(err), VendorCode: st.VendorCode(), Message: err.Error(), Time: p.opts.Now()}
		}
	})
}

// fail records an error that left no usable status.
func (p *Printer) fail(err error, vendor string) {
	p.mon.Update(func(s *device.Status) {
		s.State = stateOf(err)
		if s.LastError == nil || s.LastError.Code != code(err) {
			s.LastError = &device.Error{Code: code(err), VendorCode: vendor, Message: err.Error(), Time: p.opts.Now()}
		}
	})
}

func stateOf(err error) device.State {
	switch {
	case errors.Is(err, serialport.ErrNoDevice), errors.Is(err, serialport.ErrGone):
		return device.NoDevice
	case errors.Is(err, ErrPaperOut), errors.Is(err, ErrCoverOpen):
		return device.UserError
	case errors.Is(err, ErrCutter), errors.Is(err, ErrUnrecoverable), errors.Is(err, ErrBadStatus):
		return device.HWError
	}
	return device.Offline
}

// Print prints one job. It checks the printer first and sends nothing when it cannot print
// (ErrPaperOut, ErrCoverOpen, ErrOffline, ErrCutter, ErrUnrecoverable, ErrNoAnswer); it
// then sends the job in chunks, checking the status between them, and once more at the
// end. Paper running out or the cover opening during the job stops it: the result is
// JobFailed and Reprintable. Near end is only a warning. The returned error is nil exactly
// when the job printed; the result is never nil.
func (p *Printer) Print(ctx context.Context, job *Job) (*JobResult, error) {
	res := &JobResult{State: JobFailed}
	if job != nil {
		res.ID = job.ID
	}
	failed := func(err error) (*JobResult, error) {
		res.Err = err
		return res, err
	}
	if job == nil || job.Doc == nil {
		return failed(fmt.Errorf("%w: no document", ErrBadDocument))
	}
	r, err := render(job.Doc, &p.opts.Render)
	if err != nil {
		return failed(err)
	}
	if err := p.acquire(ctx); err != nil {
		return failed(err)
	}
	defer p.release()

	st, err := p.status(ctx)
	if err != nil {
		return failed(err)
	}
	if err := st.Err(); err != nil {
		return failed(err)
	}
	res.Reprintable = true
	p.mon.Update(func(s *device.Status) { s.State = device.Busy })
	defer p.mon.Update(func(s *device.Status) {
		if s.State == device.Busy {
			s.State = device.Online
		}
	})

	start := 0
	for _, end := range r.bounds {
		if end-start < p.opts.ChunkSize && end != len(r.data) {
			continue
		}
		n, err := p.port.Write(r.data[start:end])
		res.Bytes += n
		p.mon.Count("bytes", int64(n))
		if err != nil {
			err = fmt.Errorf("escpos: job %s: write: %w", job.ID, err)
			p.fail(err, "")
			p.countPaper(r.paperMM * float64(res.Bytes) / float64(len(r.data)))
			return failed(err)
		}
		start = end
		if st, err = p.status(ctx); err != nil {
			p.countPaper(r.paperMM * float64(res.Bytes) / float64(len(r.data)))
			return failed(fmt.Errorf("escpos: job %s after %d bytes: %w", job.ID, res.Bytes, err))
		}
		if err := st.Err(); err != nil {
			p.countPaper(r.paperMM * float64(res.Bytes) / float64(len(r.data)))
			return failed(fmt.Errorf("escpos: job %s after %d bytes: %w", job.ID, res.Bytes, err))
		}
	}
	p.countPaper(r.paperMM)
	p.mon.Count("cuts", int64(r.cuts))
	p.mon.Count("receipts", 1)
	res.State = JobPrinted
	res.Reprintable = false
	res.NearEnd = st.Paper == PaperNearEnd
	return res, nil
}

func (p *Printer) countPaper(mm float64) {
	p.paper += mm
	whole := roundMM(p.paper)
	if whole > 0 {
		p.mon.Count("paper_mm", whole)
		p.paper -= float64(whole)
	}
}

// DeviceStatus is the printer in the kiosk's common status model, as of the last call.
func (p *Printer) DeviceStatus() device.Status { return p.mon.Status() }

// Subscribe returns a channel of device status changes and a function that ends it.
func (p *Printer) Subscribe() (<-chan device.Status, func()) { return p.mon.Subscribe() }

func (p *Printer) String() string {
	where := "port"
	if s, ok := p.port.(fmt.Stringer); ok {
		where = s.String()
	}
	return fmt.Sprintf("escpos printer on %s (%s)", where, p.mon.Status())
}

// Close waits for a job in progress, then refuses further calls with ErrClosed and closes
// the port if it is an io.Closer. It starts no goroutines, so it has none to join.
func (p *Printer) Close() error {
	<-p.turn
	defer p.release()
	if p.closed {
		return nil
	}
	p.closed = true
	p.mon.Update(func(s *device.Status) { s.State = device.Offline })
	if c, ok := p.port.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
