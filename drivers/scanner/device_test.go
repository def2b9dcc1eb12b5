package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	pgpio "periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/gpio/gpiosim"
	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/drivers/serialport"
)

// Generous bounds: tests wait for events, they never time them.
const waitLong = 10 * time.Second

type rig struct {
	link string
	sc   *scanner.Scanner
	line *serialport.Line

	mu  sync.Mutex
	sim *scannersim.Sim
	wg  sync.WaitGroup
	end context.CancelFunc
}

// newRig serves a simulator on a pty and opens the scanner on it through a serialport.Line,
// exactly as the kiosk opens a real engine.
func newRig(t *testing.T, simOpts *scannersim.Opts, opts *scanner.Opts) *rig {
	t.Helper()
	r := &rig{link: filepath.Join(t.TempDir(), "ttySCAN")}
	r.plug(t, simOpts)
	r.line = serialport.NewLine(r.link, &serialport.Opts{Baud: 9600, ReadTimeout: 100 * time.Millisecond})
	r.line.RetryEvery = 20 * time.Millisecond
	sc, err := scanner.New(r.line, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.sc = sc
	t.Cleanup(func() {
		sc.Close()
		r.unplug()
	})
	return r
}

func (r *rig) plug(t *testing.T, simOpts *scannersim.Opts) *scannersim.Sim {
	t.Helper()
	sim, err := scannersim.OpenPty(r.link, simOpts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.sim, r.end = sim, cancel
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := sim.Run(ctx); err != nil {
			t.Errorf("sim: %v", err)
		}
	}()
	return sim
}

func (r *rig) unplug() {
	r.mu.Lock()
	sim, end := r.sim, r.end
	r.sim, r.end = nil, nil
	r.mu.Unlock()
	if sim == nil {
		return
	}
	end()
	r.wg.Wait()
	sim.Close()
}

func (r *rig) simulator() *scannersim.Sim {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sim
}

func next(t *testing.T, sc *scanner.Scanner) (scanner.Code, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	return sc.Next(ctx)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSuffixes(t *testing.T) {
	payload := []byte("01,10,044031900111,45678901,476.6,20190312,09887262553346434541,")
	for _, tt := range []struct{ name, simSuffix, suffix string }{
		{"CR", "\r", "\r"}, {"CRLF", "\r\n", "\r\n"}, {"LF", "\n", "\n"},
		{"any with CR", "\r", ""}, {"any with CRLF", "\r\n", ""}, {"any with LF", "\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, &scannersim.Opts{Suffix: tt.simSuffix}, &scanner.Opts{Suffix: tt.suffix})
			for i := 0; i < 2; i++ { // twice: a CRLF's LF must not leak into the next code
				if err := r.simulator().Scan(payload); err != nil {
					t.Fatal(err)
				}
				c, err := next(t, r.sc)
				if err != nil {
					t.Fatal(err)
				}
				if c.Raw != string(payload) || c.Kind != scanner.KindVATInvoice || !c.Invoice.Valid || c.Invoice.Amount != "476.60" {
					t.Fatalf("code %d = %+v", i, c)
				}
			}
			st := r.sc.Status()
			if st.Device != "scanner" || st.State != device.Online || st.Counters["scans"] != 2 {
				t.Fatalf("status = %+v", st)
			}
		})
	}
}

func TestSampleCodes(t *testing.T) {
	r := newRig(t, nil, nil)
	want := map[string]scanner.Kind{
		"kiosk receipt": scanner.KindKioskReceipt, "other: GB18030 text": scanner.KindOther, "other: URL": scanner.KindOther,
	}
	for _, s := range scannersim.SampleCodes() {
		if err := r.simulator().Scan(s.Payload); err != nil {
			t.Fatal(err)
		}
		c, err := next(t, r.sc)
		if err != nil {
			t.Fatal(err)
		}
		kind, ok := want[s.Label]
		if !ok {
			kind = scanner.KindVATInvoice
		}
		if c.Kind != kind {
			t.Errorf("%s: kind %s, want %s", s.Label, c.Kind, kind)
		}
		if kind == scanner.KindVATInvoice && c.Invoice.Valid == (s.Label == "invalid invoice (30 February)") {
			t.Errorf("%s: valid=%v problems=%v", s.Label, c.Invoice.Valid, c.Invoice.Problems)
		}
		if s.Label == "other: GB18030 text" && c.Raw != "自助办税终端测试码" {
			t.Errorf("GB18030 decoded to %q", c.Raw)
		}
	}
}

func TestSplitCode(t *testing.T) {
	r := newRig(t, &scannersim.Opts{Suffix: "\r\n"}, &scanner.Opts{Suffix: "\r\n", InterByteTimeout: 5 * time.Second})
	payload := []byte("01,32,,24442000000012345678,32,20240115,,5B6E")
	errc := make(chan error, 1)
	go func() { errc <- r.simulator().ScanSplit(payload, 20, 300*time.Millisecond) }()
	c, err := next(t, r.sc)
	if err != nil {
		t.Fatal(err)
	}
	if c.Raw != string(payload) || !c.Invoice.Valid {
		t.Fatalf("code = %+v", c)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestGarbageDropped(t *testing.T) {
	r := newRig(t, nil, &scanner.Opts{InterByteTimeout: 300 * time.Millisecond})
	if err := r.simulator().Garbage(50); err != nil {
		t.Fatal(err)
	}
	if _, err := next(t, r.sc); !errors.Is(err, scanner.ErrIncomplete) {
		t.Fatalf("after noise: %v, want ErrIncomplete", err)
	}
	if err := r.simulator().Scan([]byte("TK1:K-0001:abc")); err != nil {
		t.Fatal(err)
	}
	c, err := next(t, r.sc)
	if err != nil || c.Kind != scanner.KindKioskReceipt || c.Receipt.TxnID != "abc" {
		t.Fatalf("after noise: %+v, %v", c, err)
	}
	st := r.sc.Status()
	if st.Counters["discarded"] != 1 || st.LastError == nil || st.LastError.Code != "incomplete" {
		t.Fatalf("status = %+v", st)
	}
}

func TestOverlong(t *testing.T) {
	r := newRig(t, nil, &scanner.Opts{MaxLen: 64})
	if err := r.simulator().Overlong(10000); err != nil {
		t.Fatal(err)
	}
	if err := r.simulator().Scan([]byte("https://etax.chinatax.gov.cn/")); err != nil {
		t.Fatal(err)
	}
	if _, err := next(t, r.sc); !errors.Is(err, scanner.ErrTooLong) {
		t.Fatalf("overlong: %v, want ErrTooLong", err)
	}
	c, err := next(t, r.sc)
	if err != nil || c.Raw != "https://etax.chinatax.gov.cn/" {
		t.Fatalf("after overlong: %+v, %v", c, err)
	}
	if st := r.sc.Status(); st.LastError == nil || st.LastError.Code != "too_long" || st.LastError.VendorCode != "bytes=10000" {
		t.Fatalf("status = %+v", st)
	}
}

var (
	trigOn  = []byte{0x16, 0x54, 0x0D} // vendor command bytes, as a configuration would give them
	trigOff = []byte{0x16, 0x55, 0x0D}
)

func TestCommandTriggerNext(t *testing.T) {
	r := newRig(t, &scannersim.Opts{Command: true, TriggerOn: trigOn, TriggerOff: trigOff},
		&scanner.Opts{Trigger: scanner.TriggerCommand, TriggerOn: trigOn, TriggerOff: trigOff})
	sim := r.simulator()
	// Presented before the trigger: an engine in command mode does not read it yet.
	if err := sim.Scan([]byte("TK1:K-0001:first")); err != nil {
		t.Fatal(err)
	}
	if sim.Held() != 1 {
		t.Fatal("code went out without a trigger")
	}
	c, err := next(t, r.sc)
	if err != nil || c.Receipt == nil || c.Receipt.TxnID != "first" {
		t.Fatalf("Next = %+v, %v", c, err)
	}
	waitFor(t, "trigger on and off at the engine", func() bool { return len(sim.Triggers()) == 2 })
	got := sim.Triggers()
	if !bytes.Equal(got[0], trigOn) || !bytes.Equal(got[1], trigOff) {
		t.Fatalf("engine received % X", got)
	}
}

func TestCommandTriggerRun(t *testing.T) {
	r := newRig(t, &scannersim.Opts{Command: true, TriggerOn: trigOn, TriggerOff: trigOff},
		&scanner.Opts{Trigger: scanner.TriggerCommand, TriggerOn: trigOn, TriggerOff: trigOff})
	sim := r.simulator()
	ctx, cancel := context.WithCancel(context.Background())
	codes := make(chan scanner.Code, 4)
	done := make(chan error, 1)
	go func() { done <- r.sc.Run(ctx, func(c scanner.Code) { codes <- c }) }()
	for _, id := range []string{"a", "b", "c"} {
		if err := sim.Scan([]byte("TK1:K-0001:" + id)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b", "c"} {
		select {
		case c := <-codes:
			if c.Receipt == nil || c.Receipt.TxnID != id {
				t.Fatalf("got %+v, want txn %s", c, id)
			}
		case <-time.After(waitLong):
			t.Fatalf("code %s never delivered", id)
		}
	}
	// After the last code Run triggers again, waiting for the next receipt.
	waitFor(t, "the engine triggered again", sim.Armed)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	// One trigger per code (the engine ends its session at each decode), one more for the
	// session still open, then off.
	waitFor(t, "trigger off", func() bool {
		tr := sim.Triggers()
		return len(tr) > 0 && bytes.Equal(tr[len(tr)-1], trigOff)
	})
	tr := sim.Triggers()
	if len(tr) != 5 {
		t.Fatalf("engine received %d commands: % X", len(tr), tr)
	}
	for _, c := range tr[:4] {
		if !bytes.Equal(c, trigOn) {
			t.Fatalf("engine received % X", tr)
		}
	}
}

func TestUnplugReplug(t *testing.T) {
	r := newRig(t, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	codes := make(chan scanner.Code, 4)
	done := make(chan error, 1)
	go func() { done <- r.sc.Run(ctx, func(c scanner.Code) { codes <- c }) }()
	defer func() {
		cancel()
		<-done
	}()
	expect := func(txn string) {
		t.Helper()
		select {
		case c := <-codes:
			if c.Receipt == nil || c.Receipt.TxnID != txn {
				t.Fatalf("got %+v, want txn %s", c, txn)
			}
		case <-time.After(waitLong):
			t.Fatalf("code %s never delivered", txn)
		}
	}
	if err := r.simulator().Scan([]byte("TK1:K-0001:before")); err != nil {
		t.Fatal(err)
	}
	expect("before")

	r.unplug()
	waitFor(t, "no_device", func() bool { return r.sc.Status().State == device.NoDevice })
	if st := r.sc.Status(); st.LastError == nil || st.LastError.Code != "no_device" {
		t.Fatalf("status = %+v", st)
	}

	r.plug(t, nil)
	waitFor(t, "online again", func() bool { return r.sc.Status().State == device.Online })
	if err := r.simulator().Scan([]byte("TK1:K-0001:after")); err != nil {
		t.Fatal(err)
	}
	expect("after")
	if r.line.Opens() != 2 {
		t.Fatalf("port opened %d times, want 2", r.line.Opens())
	}
}

func TestDeadlineWithoutDevice(t *testing.T) {
	line := serialport.NewLine(filepath.Join(t.TempDir(), "missing"), nil)
	sc, err := scanner.New(line, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = sc.Next(ctx)
	if !errors.Is(err, scanner.ErrNoDevice) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %v, want ErrNoDevice and DeadlineExceeded", err)
	}
	if st := sc.Status(); st.State != device.NoDevice {
		t.Fatalf("status = %+v", st)
	}
}

func TestCloseEndsNext(t *testing.T) {
	r := newRig(t, nil, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := r.sc.Next(context.Background())
		errc <- err
	}()
	waitFor(t, "the port to be read", func() bool { return r.sc.Status().State == device.Online })
	if err := r.sc.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, scanner.ErrClosed) {
			t.Fatalf("Next = %v, want ErrClosed", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Close did not end Next")
	}
}

func TestBadOpts(t *testing.T) {
	var buf bytes.Buffer
	for _, o := range []*scanner.Opts{
		{Suffix: "\t"},
		{Trigger: scanner.TriggerCommand},
		{Trigger: scanner.TriggerGPIO},
		{Trigger: "laser"},
		{MaxLen: -1},
	} {
		if _, err := scanner.New(&buf, o); !errors.Is(err, scanner.ErrOpts) {
			t.Errorf("New(%+v) = %v, want ErrOpts", o, err)
		}
	}
	if _, err := scanner.New(nil, nil); !errors.Is(err, scanner.ErrOpts) {
		t.Errorf("New(nil) = %v, want ErrOpts", err)
	}
}

func TestGPIOTrigger(t *testing.T) {
	pin := gpiosim.NewPin("GPIO5", 5, pgpio.Low)
	r := newRig(t, nil, &scanner.Opts{Trigger: scanner.TriggerGPIO, TriggerPin: pin, TriggerActiveLow: true})
	if pin.Read() != pgpio.High {
		t.Fatal("New left an active-low trigger active")
	}
	type result struct {
		c   scanner.Code
		err error
	}
	res := make(chan result, 1)
	go func() {
		c, err := next(t, r.sc)
		res <- result{c, err}
	}()
	waitFor(t, "the trigger pulled low", func() bool { return pin.Read() == pgpio.Low })
	if err := r.simulator().Scan([]byte("TK1:K-0001:gpio")); err != nil {
		t.Fatal(err)
	}
	got := <-res
	if got.err != nil || got.c.Receipt == nil || got.c.Receipt.TxnID != "gpio" {
		t.Fatalf("Next = %+v, %v", got.c, got.err)
	}
	if outs := pin.Outs(); len(outs) != 3 || outs[0] != pgpio.High || outs[1] != pgpio.Low || outs[2] != pgpio.High {
		t.Fatalf("trigger pin driven %v, want [High Low High]", outs)
	}
}
