package idcard_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

// Generous bounds: the tests must pass on a busy 2-core machine. No test asserts how long
// anything took.
const patience = 20 * time.Second

// rig is a simulator on a real pty and a Reader on a serialport.Line to it.
type rig struct {
	sim    *idcardsim.Sim
	reader *idcard.Reader
	line   *serialport.Line
	link   string
	stop   func()
}

// quickSim has no scripted delays, so that the tests spend their time on the protocol.
func quickSim() *idcardsim.Opts {
	return &idcardsim.Opts{FindDelay: -1, SelectDelay: -1, ReadDelay: -1}
}

func startSim(t testing.TB, link string, opts *idcardsim.Opts) (*idcardsim.Sim, func()) {
	t.Helper()
	sim, err := idcardsim.Open(link, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			sim.Close()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("sim.Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return sim, stop
}

func newRig(t testing.TB, simOpts *idcardsim.Opts, opts *idcard.Opts) *rig {
	t.Helper()
	link := filepath.Join(t.TempDir(), "ttyIDCARD")
	sim, stop := startSim(t, link, simOpts)
	line := serialport.NewLine(link, nil)
	line.RetryEvery = 20 * time.Millisecond
	r, err := idcard.New(line, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return &rig{sim: sim, reader: r, line: line, link: link, stop: stop}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

func persona(t testing.TB, key string) idcardsim.Persona {
	p, ok := idcardsim.PersonaByKey(key)
	if !ok {
		t.Fatalf("no persona %s", key)
	}
	return p
}

func TestReadEveryPersona(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	ctx := ctxT(t)
	for i, p := range idcardsim.Personas() {
		t.Run(p.Key, func(t *testing.T) {
			if !idcard.ValidIDNumber(p.Card.IDNumber) && p.Card.CardType != idcard.TypeForeignPermanent {
				t.Fatalf("persona ID number fails its check digit")
			}
			if err := rg.sim.Place(p.Card, p.Card.Photo); err != nil {
				t.Fatal(err)
			}
			got, err := rg.reader.ReadCard(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, p.Card) {
				t.Fatalf("got  %+v\nwant %+v", *got, *p.Card)
			}
			if len(got.Photo) != idcardsim.PhotoLen {
				t.Fatalf("photo of %d bytes", len(got.Photo))
			}
			// A card read must be lifted and placed again: find fails, select still works.
			if _, err := rg.reader.ReadCard(ctx); !errors.Is(err, idcard.ErrNoCard) {
				t.Fatalf("second read of the same placement: %v, want ErrNoCard", err)
			}
			if on, err := rg.reader.Present(ctx); err != nil || !on {
				t.Fatalf("Present with the card still there = %v, %v", on, err)
			}
			rg.sim.Lift()
			if on, err := rg.reader.Present(ctx); err != nil || on {
				t.Fatalf("Present after lifting = %v, %v", on, err)
			}
			st := rg.reader.Status()
			if st.State != device.Online || st.Media != device.MediaNotPresent || st.Counters[idcard.CounterCardsRead] != int64(i+1) {
				t.Fatalf("status %s media=%q counters=%v last=%+v", st, st.Media, st.Counters, st.LastError)
			}
		})
	}
}

func TestNoCard(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	_, err := rg.reader.ReadCard(ctxT(t))
	var se *idcard.StatusError
	if !errors.Is(err, idcard.ErrNoCard) || !errors.As(err, &se) || se.SW3 != 0x80 {
		t.Fatalf("got %v, want ErrNoCard with SW3 80", err)
	}
	if k := idcard.NoticeFor(err).Key; k != "idcard.no_card" {
		t.Fatalf("notice %q", k)
	}
	st := rg.reader.Status()
	if st.State != device.Online || st.Counters[idcard.CounterReadErrors] != 0 {
		t.Fatalf("an empty reader is online and no read error: %+v", st)
	}
	if on, err := rg.reader.Present(ctxT(t)); err != nil || on {
		t.Fatalf("Present = %v, %v", on, err)
	}
}

func TestGarbageBeforeEveryFrame(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	p := persona(t, "resident-female")
	rg.sim.Place(p.Card, p.Card.Photo)
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultGarbage})
	got, err := rg.reader.ReadCard(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if got.IDNumber != p.Card.IDNumber {
		t.Fatal("wrong card")
	}
	if n := rg.sim.Served(); n != 3 {
		t.Fatalf("%d requests, want 3: garbage must not cost a retry", n)
	}
}

func TestBadChecksumThenRetry(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	p := persona(t, "resident-male")
	rg.sim.Place(p.Card, p.Card.Photo)
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultBadChecksumOnce})
	if _, err := rg.reader.ReadCard(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if n := rg.sim.Served(); n != 4 {
		t.Fatalf("%d requests, want 4 (find sent twice)", n)
	}
	st := rg.reader.Status()
	if st.State != device.Online {
		t.Fatalf("status %s media=%q counters=%v last=%+v", st, st.Media, st.Counters, st.LastError)
	}
}

func TestBadChecksumWithoutRetries(t *testing.T) {
	rg := newRig(t, quickSim(), &idcard.Opts{Retries: -1})
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultBadChecksumOnce})
	if _, err := rg.reader.ReadCard(ctxT(t)); !errors.Is(err, idcard.ErrFrameChecksum) {
		t.Fatalf("got %v, want ErrFrameChecksum", err)
	}
}

func TestSilentDevice(t *testing.T) {
	rg := newRig(t, quickSim(), &idcard.Opts{CommandTimeout: 300 * time.Millisecond, Retries: 1})
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultSilent})
	ctx := ctxT(t)
	_, err := rg.reader.ReadCard(ctx)
	if !errors.Is(err, idcard.ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrNoAnswer from the command timeout", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the command timeout must end the call, not the caller's deadline")
	}
	if n := rg.sim.Served(); n != 2 {
		t.Fatalf("%d requests, want 2 (one retry)", n)
	}
	st := rg.reader.Status()
	if st.State != device.Offline || st.LastError == nil || st.LastError.Code != "no_answer" {
		t.Fatalf("status %s media=%q counters=%v last=%+v", st, st.Media, st.Counters, st.LastError)
	}
	if k := idcard.NoticeFor(err).Key; k != "idcard.reader_offline" {
		t.Fatalf("notice %q", k)
	}
}

func TestSilentDeviceContextDeadline(t *testing.T) {
	rg := newRig(t, quickSim(), &idcard.Opts{CommandTimeout: time.Hour})
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultSilent})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := rg.reader.ReadCard(ctx)
	if !errors.Is(err, idcard.ErrNoAnswer) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrNoAnswer and DeadlineExceeded", err)
	}
}

func TestSlowDeviceWithinTimeout(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	p := persona(t, "resident-elderly")
	rg.sim.Place(p.Card, p.Card.Photo)
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultSlow, Delay: 50 * time.Millisecond})
	if _, err := rg.reader.ReadCard(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}

func TestCardLiftedMidRead(t *testing.T) {
	for _, sw3 := range []byte{0, 0x80} {
		rg := newRig(t, quickSim(), nil)
		p := persona(t, "resident-male")
		rg.sim.Place(p.Card, p.Card.Photo)
		rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultLiftMidRead, SW3: sw3})
		_, err := rg.reader.ReadCard(ctxT(t))
		if !errors.Is(err, idcard.ErrCardLifted) {
			t.Fatalf("SW3 %02X: got %v, want ErrCardLifted", sw3, err)
		}
		var se *idcard.StatusError
		if !errors.As(err, &se) {
			t.Fatalf("the module's own code is lost: %v", err)
		}
		if rg.sim.Holding() {
			t.Fatal("sim still holds the card")
		}
		st := rg.reader.Status()
		if st.Media != device.MediaNotPresent || st.Counters[idcard.CounterReadErrors] != 1 {
			t.Fatalf("status %s media=%q counters=%v last=%+v", st, st.Media, st.Counters, st.LastError)
		}
		if k := idcard.NoticeFor(err).Key; k != "idcard.card_lifted" {
			t.Fatalf("notice %q", k)
		}
	}
}

func TestSAMFault(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	rg.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultSAM})
	_, err := rg.reader.ReadCard(ctxT(t))
	if !errors.Is(err, idcard.ErrSAMSelfTest) {
		t.Fatalf("got %v", err)
	}
	st := rg.reader.Status()
	if st.State != device.HWError || st.LastError == nil || st.LastError.VendorCode != "SW3=60" {
		t.Fatalf("status %s media=%q counters=%v last=%+v", st, st.Media, st.Counters, st.LastError)
	}
	if err := rg.reader.SAMStatus(ctxT(t)); !errors.Is(err, idcard.ErrSAMSelfTest) {
		t.Fatalf("SAMStatus: %v", err)
	}
	rg.sim.SetFault(idcardsim.Fault{})
	if err := rg.reader.SAMStatus(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if st := rg.reader.Status(); st.State != device.Online {
		t.Fatalf("after recovery %s", st)
	}
}

func TestSAMCommands(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	ctx := ctxT(t)
	if err := rg.reader.ResetSAM(ctx); err != nil {
		t.Fatal(err)
	}
	text, raw, err := rg.reader.SAMID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 16 || text != "05.01-20104333-000005678-121287829" {
		t.Fatalf("SAM ID %q % X", text, raw)
	}
	if rg.reader.Status().Serial != text {
		t.Fatal("SAM ID not in the status")
	}
	if err := rg.reader.SetBaud(ctx, 1234); !errors.Is(err, idcard.ErrBadBaud) {
		t.Fatalf("SetBaud(1234): %v", err)
	}
	if err := rg.reader.SetBaud(ctx, 115200); err != nil {
		t.Fatal(err)
	}
}

func TestAppendedAddressAndFingerprint(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	ctx := ctxT(t)
	p := persona(t, "resident-female")
	p.Card.Fingerprint = make([]byte, 1024)
	p.Card.Fingerprint[0] = 0x43
	rg.sim.Place(p.Card, p.Card.Photo)
	got, err := rg.reader.ReadCardWithFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p.Card) {
		t.Fatalf("fingerprint read differs")
	}
	if addr, err := rg.reader.ReadAppendedAddress(ctx); err != nil || addr != "" {
		t.Fatalf("no appended address: %q, %v", addr, err)
	}
	const moved = "河南省平顶山市卫东区东安路街道平安小区5号楼"
	rg.sim.SetAppendedAddress(moved)
	if addr, err := rg.reader.ReadAppendedAddress(ctx); err != nil || addr != moved {
		t.Fatalf("appended address: %q, %v", addr, err)
	}

	q := persona(t, "resident-male")
	rg.sim.Place(q.Card, q.Card.Photo)
	got, err = rg.reader.ReadCardWithFingerprint(ctx)
	if err != nil || len(got.Fingerprint) != 0 {
		t.Fatalf("card without fingerprint: %v, %d bytes", err, len(got.Fingerprint))
	}
}

func TestUnplugAndReplug(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	ctx := ctxT(t)
	changes, unsubscribe := rg.reader.Subscribe()
	defer unsubscribe()
	p := persona(t, "resident-male")
	rg.sim.Place(p.Card, p.Card.Photo)
	if _, err := rg.reader.ReadCard(ctx); err != nil {
		t.Fatal(err)
	}

	rg.stop() // unplug: the pty and its link vanish
	var err error
	for i := 0; i < 5 && !errors.Is(err, idcard.ErrNoDevice); i++ {
		_, err = rg.reader.ReadCard(ctx)
	}
	if !errors.Is(err, idcard.ErrNoDevice) {
		t.Fatalf("unplugged: got %v, want ErrNoDevice", err)
	}
	if st := rg.reader.Status(); st.State != device.NoDevice {
		t.Fatalf("unplugged status %+v", st)
	}
	sawNoDevice := false
	for !sawNoDevice {
		select {
		case st := <-changes:
			sawNoDevice = st.State == device.NoDevice
		case <-ctx.Done():
			t.Fatal("no status change to no_device")
		}
	}

	sim2, _ := startSim(t, rg.link, quickSim()) // replug at the same path
	sim2.Place(p.Card, p.Card.Photo)
	for {
		_, err := rg.reader.ReadCard(ctx)
		if err == nil {
			break
		}
		if !errors.Is(err, idcard.ErrNoDevice) {
			t.Fatalf("after replug: %v", err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("reader never came back")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if st := rg.reader.Status(); st.State != device.Online {
		t.Fatalf("replugged status %+v", st)
	}
	if rg.line.Opens() != 2 {
		t.Fatalf("line opened %d times", rg.line.Opens())
	}
}

func TestConcurrentCallsAreSerialised(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	ctx := ctxT(t)
	p := persona(t, "hk-resident")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				rg.sim.Place(p.Card, p.Card.Photo)
				if _, err := rg.reader.ReadCard(ctx); err != nil && !errors.Is(err, idcard.ErrNoCard) {
					errs <- err
				}
				if _, err := rg.reader.Present(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("interleaved frames: %v", err)
	}
}

func TestClosed(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	if err := rg.reader.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rg.reader.ReadCard(ctxT(t)); !errors.Is(err, idcard.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if s := rg.reader.String(); !strings.Contains(s, "ttyIDCARD@115200") {
		t.Fatalf("String = %q", s)
	}
}

// TestLateAnswer: the module answers one request after the driver's timeout. The late
// answer must be drained, or told apart by its shape, and never be taken for the answer to a
// later request: the card read is the right one, and a card that lies on the reader is never
// reported lifted.
func TestLateAnswer(t *testing.T) {
	const timeout = 400 * time.Millisecond
	opts := &idcard.Opts{CommandTimeout: timeout, ReadTimeout: timeout, Retries: 3} // spare retries for a busy machine
	justLate, veryLate := timeout+150*time.Millisecond, 3*timeout
	cases := []struct {
		name      string
		cmd, para byte
		delay     time.Duration
	}{
		{"find just late", idcard.CmdCard, idcard.ParaFind, justLate},
		{"find very late", idcard.CmdCard, idcard.ParaFind, veryLate},
		{"select just late", idcard.CmdCard, idcard.ParaSelect, justLate},
		{"select very late", idcard.CmdCard, idcard.ParaSelect, veryLate},
		{"read just late", idcard.CmdRead, idcard.ParaReadBase, justLate},
		{"read very late", idcard.CmdRead, idcard.ParaReadBase, veryLate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each case waits out late answers on its own pty
			rg := newRig(t, quickSim(), opts)
			ctx := ctxT(t)
			p := persona(t, "resident-female")
			q := persona(t, "hk-resident")
			late := idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Cmd: tc.cmd, Para: tc.para, Delay: tc.delay}

			rg.sim.Place(p.Card, p.Card.Photo)
			rg.sim.SetFault(late)
			got, err := rg.reader.ReadCard(ctx)
			if err != nil {
				t.Fatalf("ReadCard with a late answer: %v (notice %s)", err, idcard.NoticeFor(err).Key)
			}
			if !reflect.DeepEqual(got, p.Card) {
				t.Fatalf("read %v, want %v", got, p.Card)
			}

			// The card read lies on: find answers 80, select 90. A late answer to either
			// must not make Present say it was lifted.
			for _, f := range []idcardsim.Fault{
				{Kind: idcardsim.FaultLateOnce, Cmd: idcard.CmdCard, Para: idcard.ParaFind, Delay: tc.delay},
				{Kind: idcardsim.FaultLateOnce, Cmd: idcard.CmdCard, Para: idcard.ParaSelect, Delay: tc.delay},
			} {
				rg.sim.SetFault(f)
				for i := 0; i < 3; i++ {
					if on, err := rg.reader.Present(ctx); err != nil || !on {
						t.Fatalf("Present after a late %02X %02X answer (call %d) = %v, %v; the card lies there", f.Cmd, f.Para, i, on, err)
					}
				}
			}

			// The next taxpayer's card is read, not the first one's stale answer.
			rg.sim.Lift()
			if on, err := rg.reader.Present(ctx); err != nil || on {
				t.Fatalf("Present after lifting = %v, %v", on, err)
			}
			rg.sim.Place(q.Card, q.Card.Photo)
			rg.sim.SetFault(late)
			got, err = rg.reader.ReadCard(ctx)
			if err != nil {
				t.Fatalf("second card: %v", err)
			}
			if !reflect.DeepEqual(got, q.Card) {
				t.Fatalf("second read %v, want %v", got, q.Card)
			}
			if st := rg.reader.Status(); st.State != device.Online || st.Counters[idcard.CounterCardsRead] != 2 {
				t.Fatalf("status %s counters=%v last=%+v", st, st.Counters, st.LastError)
			}
		})
	}
}

// TestReadPresentReadsACardAlreadyRead: a card already read answers "no card" to find
// (ReadCard) until it is placed again, but ReadPresent reads it where it lies; with the
// card gone ReadPresent says no card, not a lifted one.
func TestReadPresentReadsACardAlreadyRead(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	p := persona(t, "resident-male")
	rg.sim.Place(p.Card, p.Card.Photo)
	if _, err := rg.reader.ReadCard(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := rg.reader.ReadCard(ctxT(t)); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("ReadCard of a card already read: %v, want ErrNoCard", err)
	}
	got, err := rg.reader.ReadPresent(ctxT(t))
	if err != nil || got.IDNumber != p.Card.IDNumber {
		t.Fatalf("ReadPresent: %v", err)
	}
	rg.sim.Lift()
	if _, err := rg.reader.ReadPresent(ctxT(t)); !errors.Is(err, idcard.ErrNoCard) || errors.Is(err, idcard.ErrCardLifted) {
		t.Fatalf("ReadPresent with no card: %v, want ErrNoCard only", err)
	}
}
