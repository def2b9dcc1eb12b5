package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/serialport"
)

// TriggerMode says what makes the scan engine read.
type TriggerMode string

const (
	// TriggerContinuous: the engine reads whatever is presented (presentation mode).
	TriggerContinuous TriggerMode = "continuous"
	// TriggerCommand: the engine reads after the vendor's serial command Opts.TriggerOn.
	TriggerCommand TriggerMode = "command"
	// TriggerGPIO: the engine reads while Opts.TriggerPin is driven active.
	TriggerGPIO TriggerMode = "gpio"
)

// Defaults for the zero values of Opts.
const (
	DefaultMaxLen           = 4096
	DefaultInterByteTimeout = 500 * time.Millisecond
)

// absentBackoff paces retries on a port that reports absence at once (a plain io.ReadWriter;
// a serialport.Line already waits its read timeout).
const absentBackoff = 50 * time.Millisecond

// Opts configures a Scanner. A nil *Opts means every zero value below.
type Opts struct {
	// Suffix ends each code: "\r", "\r\n" or "\n". Zero accepts any of CR, LF and CRLF, which
	// works with every engine but cannot carry a CR or LF inside a code.
	Suffix string
	// Trigger is the trigger mode; zero means TriggerContinuous.
	Trigger TriggerMode
	// TriggerOn and TriggerOff are the vendor's serial commands for TriggerCommand, taken
	// from configuration. TriggerOn is required in that mode; a nil TriggerOff sends nothing
	// (engines that stop by themselves after one decode).
	TriggerOn, TriggerOff []byte
	// TriggerPin drives the engine's trigger input in TriggerGPIO mode (main resolves it,
	// e.g. with taxkiosk/drivers/gpio.OpenHostPin). Required in that mode.
	TriggerPin gpio.PinOut
	// TriggerActiveLow: the trigger input is active when low, as on most engines.
	// Zero means active high.
	TriggerActiveLow bool
	// MaxLen bounds one code in bytes; longer input is discarded up to the next suffix and
	// reported as ErrTooLong. Zero means DefaultMaxLen.
	MaxLen int
	// InterByteTimeout is the silence after which a partial code is dropped and reported as
	// ErrIncomplete. Zero means DefaultInterByteTimeout.
	InterByteTimeout time.Duration
	// Now is the clock for the inter-byte timeout and the status times; nil means time.Now.
	Now func() time.Time
}

// Scanner is a serial 2D code reader.
type Scanner struct {
	port   io.ReadWriter
	o      Opts
	suffix []byte
	now    func() time.Time
	mon    *device.Monitor

	readMu   sync.Mutex // one reader at a time: Next and Run take it for their whole wait
	fr       *framer
	rbuf     []byte
	pend     []byte // read but not yet framed; aliases rbuf
	lastByte time.Time

	writeMu sync.Mutex // trigger commands

	stateMu sync.Mutex
	closed  bool
	absent  bool // the port reported itself gone
	armed   bool // a trigger session wants the engine reading
	rearm   bool // the engine came back during a session and must be triggered again
}

// New returns a Scanner reading codes from port, which it owns from now on: Close closes it
// when it is an io.Closer. New touches the hardware only in TriggerGPIO mode, where it drives
// the trigger inactive.
func New(port io.ReadWriter, opts *Opts) (*Scanner, error) {
	if port == nil {
		return nil, fmt.Errorf("%w: nil port", ErrOpts)
	}
	var o Opts
	if opts != nil {
		o = *opts
	}
	switch o.Suffix {
	case "", "\r", "\r\n", "\n":
	default:
		return nil, fmt.Errorf("%w: suffix %q is not CR, LF or CRLF", ErrOpts, o.Suffix)
	}
	if o.Trigger == "" {
		o.Trigger = TriggerContinuous
	}
	switch o.Trigger {
	case TriggerContinuous:
	case TriggerCommand:
		if len(o.TriggerOn) == 0 {
			return nil, fmt.Errorf("%w: command trigger without a TriggerOn command", ErrOpts)
		}
	case TriggerGPIO:
		if o.TriggerPin == nil {
			return nil, fmt.Errorf("%w: gpio trigger without a TriggerPin", ErrOpts)
		}
	default:
		return nil, fmt.Errorf("%w: trigger mode %q", ErrOpts, o.Trigger)
	}
	if o.MaxLen < 0 || o.InterByteTimeout < 0 {
		return nil, fmt.Errorf("%w: negative MaxLen or InterByteTimeout", ErrOpts)
	}
	if o.MaxLen == 0 {
		o.MaxLen = DefaultMaxLen
	}
	if o.InterByteTimeout == 0 {
		o.InterByteTimeout = DefaultInterByteTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Scanner{port: port, o: o, now: o.Now, mon: device.NewMonitor("scanner", o.Now), rbuf: make([]byte, 512)}
	if o.Suffix != "" {
		s.suffix = []byte(o.Suffix)
	}
	s.fr = newFramer(s.suffix, o.MaxLen)
	if o.Trigger == TriggerGPIO {
		if err := s.drivePin(false); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Next triggers the engine (in command and gpio modes), waits for one code and stops the
// engine again. It returns ErrTooLong or ErrIncomplete when input had to be discarded (the
// caller usually calls Next again), ErrClosed after Close, and the context's error at its
// deadline, wrapped together with ErrNoDevice when the port was absent meanwhile.
func (s *Scanner) Next(ctx context.Context) (Code, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	s.setArmed(ctx, true)
	defer s.setArmed(context.WithoutCancel(ctx), false)
	return s.nextLocked(ctx)
}

// Run delivers every code to deliver until ctx is done, then returns ctx's error (or
// ErrClosed). In command and gpio modes the engine is triggered for the whole run and again
// after each code, since engines end a triggered session at their first decode. Discarded
// input is recorded in the status (last error, counter "discarded"), not returned.
// deliver runs on Run's goroutine; while it runs, the engine is not re-triggered.
func (s *Scanner) Run(ctx context.Context, deliver func(Code)) error {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	defer s.setArmed(context.WithoutCancel(ctx), false)
	for {
		s.setArmed(ctx, true)
		c, err := s.nextLocked(ctx)
		switch {
		case err == nil:
			deliver(c)
		case errors.Is(err, ErrTooLong), errors.Is(err, ErrIncomplete):
		default:
			return err
		}
	}
}

func (s *Scanner) nextLocked(ctx context.Context) (Code, error) {
	for {
		for len(s.pend) > 0 {
			b := s.pend[0]
			s.pend = s.pend[1:]
			raw, ev := s.fr.feed(b)
			switch ev {
			case frameCode:
				c := Parse(raw)
				s.mon.Count("scans", 1)
				return c, nil
			case frameTooLong:
				n := s.fr.droppedBytes()
				return Code{}, s.discarded(ErrTooLong, "too_long", n)
			}
		}
		if s.isClosed() {
			return Code{}, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			if s.isAbsent() {
				return Code{}, fmt.Errorf("%w: %w", ErrNoDevice, err)
			}
			return Code{}, fmt.Errorf("scanner: waiting for a code: %w", err)
		}
		n, err := s.port.Read(s.rbuf)
		now := s.now()
		if n > 0 {
			s.present(ctx)
			quiet := s.fr.pending() && now.Sub(s.lastByte) >= s.o.InterByteTimeout
			s.pend, s.lastByte = s.rbuf[:n], now
			if quiet {
				return Code{}, s.discarded(ErrIncomplete, "incomplete", s.fr.reset())
			}
			continue
		}
		switch {
		case err == nil, errors.Is(err, serialport.ErrTimeout):
			s.present(ctx)
			if s.fr.pending() && now.Sub(s.lastByte) >= s.o.InterByteTimeout {
				return Code{}, s.discarded(ErrIncomplete, "incomplete", s.fr.reset())
			}
		case errors.Is(err, serialport.ErrNoDevice), errors.Is(err, serialport.ErrGone), errors.Is(err, io.EOF):
			s.fr.reset() // half a code from before the unplug is worthless
			s.gone(err)
			sleepCtx(ctx, absentBackoff)
		default:
			s.mon.Fail(device.HWError, "port", "", fmt.Errorf("%w: %v", ErrPort, err))
			sleepCtx(ctx, absentBackoff)
		}
	}
}

func (s *Scanner) discarded(sentinel error, code string, n int) error {
	err := fmt.Errorf("%w: %d bytes", sentinel, n)
	s.mon.Count("discarded", 1)
	s.mon.Update(func(st *device.Status) {
		st.LastError = &device.Error{Code: code, VendorCode: "bytes=" + strconv.Itoa(n), Message: err.Error(), Time: s.now()}
	})
	return err
}

func (s *Scanner) present(ctx context.Context) {
	s.stateMu.Lock()
	wasAbsent, rearm := s.absent, s.rearm
	s.absent, s.rearm = false, false
	s.stateMu.Unlock()
	if wasAbsent || s.mon.Status().State != device.Online {
		s.mon.Update(func(st *device.Status) { st.State = device.Online })
	}
	if rearm {
		s.setArmed(ctx, true)
	}
}

func (s *Scanner) gone(err error) {
	s.stateMu.Lock()
	was := s.absent
	s.absent = true
	s.rearm = s.armed && s.o.Trigger == TriggerCommand
	s.stateMu.Unlock()
	if !was {
		s.mon.Fail(device.NoDevice, "no_device", "", fmt.Errorf("%w: %v", ErrNoDevice, err))
	}
}

func (s *Scanner) isClosed() bool {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.closed
}

func (s *Scanner) isAbsent() bool {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.absent
}

// setArmed starts (again) or ends a trigger session. Failures go to the status; a command
// lost to an absent port is sent again when the port returns.
func (s *Scanner) setArmed(ctx context.Context, on bool) {
	if s.o.Trigger == TriggerContinuous {
		return
	}
	s.stateMu.Lock()
	s.armed = on
	s.stateMu.Unlock()
	if on && ctx.Err() != nil {
		return
	}
	var err error
	if s.o.Trigger == TriggerGPIO {
		err = s.drivePin(on)
	} else {
		err = s.sendCommand(on)
	}
	if err != nil && !errors.Is(err, ErrNoDevice) {
		s.mon.Fail(device.HWError, "trigger", "", err)
	}
}

func (s *Scanner) sendCommand(on bool) error {
	cmd := s.o.TriggerOff
	if on {
		cmd = s.o.TriggerOn
	}
	if len(cmd) == 0 {
		return nil
	}
	s.writeMu.Lock()
	_, err := s.port.Write(cmd)
	s.writeMu.Unlock()
	if err == nil {
		return nil
	}
	if errors.Is(err, serialport.ErrNoDevice) || errors.Is(err, serialport.ErrGone) {
		s.gone(err)
		return fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	return fmt.Errorf("%w: command %X: %v", ErrTrigger, cmd, err)
}

func (s *Scanner) drivePin(on bool) error {
	if err := s.o.TriggerPin.Out(gpio.Level(on != s.o.TriggerActiveLow)); err != nil {
		return fmt.Errorf("%w: pin %s: %v", ErrTrigger, s.o.TriggerPin, err)
	}
	return nil
}

// Status returns the scanner's current status ("scanner", counters "scans" and "discarded").
func (s *Scanner) Status() device.Status { return s.mon.Status() }

// Subscribe returns a channel of status changes and the function that ends the subscription.
func (s *Scanner) Subscribe() (<-chan device.Status, func()) { return s.mon.Subscribe() }

// Close stops the engine, closes the port when it is an io.Closer and waits for a Next or
// Run in progress to return ErrClosed (within one port read timeout).
func (s *Scanner) Close() error {
	s.stateMu.Lock()
	if s.closed {
		s.stateMu.Unlock()
		return nil
	}
	s.closed = true
	wasArmed := s.armed
	s.stateMu.Unlock()
	if wasArmed && s.o.Trigger == TriggerCommand {
		_ = s.sendCommand(false) // best effort: the port may already be gone
	}
	if s.o.Trigger == TriggerGPIO {
		_ = s.drivePin(false)
	}
	var err error
	if c, ok := s.port.(io.Closer); ok {
		err = c.Close()
	}
	s.readMu.Lock() // joins a reader: it sees closed at its next read timeout
	s.readMu.Unlock()
	s.mon.Update(func(st *device.Status) { st.State = device.Offline })
	return err
}

// String names the scanner and its port, e.g. "scanner(/dev/ttyS3@9600 trigger=command suffix=CR)".
func (s *Scanner) String() string {
	suffix := map[string]string{"": "any", "\r": "CR", "\n": "LF", "\r\n": "CRLF"}[s.o.Suffix]
	port := fmt.Sprintf("%T", s.port)
	if n, ok := s.port.(fmt.Stringer); ok {
		port = n.String()
	}
	return fmt.Sprintf("scanner(%s trigger=%s suffix=%s)", port, s.o.Trigger, suffix)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
