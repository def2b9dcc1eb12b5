package terminal_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/terminal/terminaltest"
	"taxkiosk/kiosk/txn"
)

// kiosk is a whole kiosk against the demo's simulators and hall.
type kiosk struct {
	t    *testing.T
	demo *demo.Demo
	term *terminal.Terminal
}

func newKiosk(t *testing.T) *kiosk { return newKioskWith(t, nil) }

func newKioskWith(t *testing.T, tweak func(*terminal.Opts)) *kiosk {
	return newKioskConfigured(t, tweak, nil)
}

func newKioskConfigured(t *testing.T, tweak func(*terminal.Opts), configure func(*config.Config)) *kiosk {
	t.Helper()
	k := terminaltest.Start(t, terminaltest.Options{Configure: configure, Tune: func(o *terminal.Opts) {
		o.LiftGrace = time.Second
		if tweak != nil {
			tweak(o)
		}
	}})
	return &kiosk{t: t, demo: k.Demo, term: k.Term}
}

func (k *kiosk) event(within time.Duration) desk.Event {
	k.t.Helper()
	select {
	case e := <-k.term.Desk().Events():
		return e
	case <-time.After(within):
		k.t.Fatalf("no desk event within %s", within)
		return nil
	}
}

// sessionEvent skips what is not about the session itself (printer supervision, the hall's
// answer on enterprises) and returns the next event that is.
func (k *kiosk) sessionEvent(within time.Duration) desk.Event {
	k.t.Helper()
	for {
		switch e := k.event(within); e.(type) {
		case desk.ServicesChanged, desk.EnterprisesLoaded, desk.CardOnReader:
		default:
			return e
		}
	}
}

func (k *kiosk) identify(persona string) session.Person {
	k.t.Helper()
	if err := k.demo.PlaceCard(persona); err != nil {
		k.t.Fatal(err)
	}
	e := k.sessionEvent(10 * time.Second)
	started, ok := e.(desk.SessionStarted)
	if !ok {
		k.t.Fatalf("after placing a card: %#v", e)
	}
	return started.Person
}

func (k *kiosk) hallHas(id string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		entries, err := k.demo.Hall.List(context.Background())
		if err != nil {
			k.t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Txn.ID == id {
				n++
			}
		}
		if n > 1 {
			k.t.Fatalf("hall stored %s %d times", id, n)
		}
		if n == 1 {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestThinPathOnline(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	p := k.identify("resident-male")
	if !strings.Contains(p.MaskedID, "*") || !strings.Contains(p.MaskedName, "*") {
		t.Fatalf("screen person not masked: %+v", p)
	}
	// The card stays on the reader while the taxpayer works: the session must hold.
	time.Sleep(1500 * time.Millisecond)
	if _, ok := k.term.Desk().Person(); !ok {
		t.Fatal("session ended while the card lay on the reader")
	}
	draft := k.term.Services().Filing.Draft()
	out, err := k.term.Services().Filing.Submit(context.Background(), draft, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Delivered || !out.Printed {
		t.Fatalf("online outcome: %+v", out)
	}
	if !k.hallHas(out.TxnID, 5*time.Second) {
		t.Fatal("hall never stored the return")
	}
	rs := k.demo.Printer.Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d receipts printed", len(rs))
	}
	r := rs[0]
	for _, want := range []string{"自助办税回执", "增值税零申报", "已送达税务大厅", "0.00 元", "[QR: " + txn.ReceiptCode("TEST-01", out.TxnID) + "]"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, r.Text)
		}
	}
	if !r.Cut {
		t.Error("receipt not cut")
	}
	k.demo.LiftCard()
	if e, ok := k.sessionEvent(5 * time.Second).(desk.CardLifted); !ok {
		t.Fatalf("after lifting the card: %#v, want the question whether to finish", e)
	}
	// Nobody answers: the session ends by itself after the grace time.
	if e, ok := k.sessionEvent(5 * time.Second).(desk.SessionEnded); !ok || e.Reason != session.CardLifted {
		t.Fatalf("unanswered: %#v", e)
	}
	if _, ok := k.term.Desk().Person(); ok {
		t.Fatal("personal data kept after the card was lifted")
	}
}

func TestThinPathOfflineThenLinkReturns(t *testing.T) {
	t.Parallel()
	// The receipt waits a second for the hall, not the usual eight: the link is cut.
	k := newKioskConfigured(t, nil, func(c *config.Config) { c.SyncWait = jsontime.Duration(time.Second) })
	k.identify("resident-female")
	k.demo.SetLink(false)
	out, err := k.term.Services().Filing.Submit(context.Background(), k.term.Services().Filing.Draft(), i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if out.Delivered || !out.Printed {
		t.Fatalf("offline outcome: %+v", out)
	}
	if r := k.demo.Printer.Receipts(); len(r) != 1 || !strings.Contains(r[0].Text, "网络恢复后自动上传") {
		t.Fatalf("offline receipt does not say it is queued: %+v", r)
	}
	if k.hallHas(out.TxnID, 500*time.Millisecond) {
		t.Fatal("hall got the return through a cut link")
	}
	k.demo.SetLink(true) // nobody taps anything: the sync loop must notice by itself
	if !k.hallHas(out.TxnID, 15*time.Second) {
		t.Fatal("queued return not delivered after the link returned")
	}
}

func TestPersonalDataNotInPlaintextOnDisk(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	k.identify("resident-male")
	if _, err := k.term.Services().Filing.Submit(context.Background(), k.term.Services().Filing.Draft(), i18n.ZH); err != nil {
		t.Fatal(err)
	}
	k.term.Close()
	raw, err := os.ReadFile(k.term.Config().OutboxPath())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := idcardsim.PersonaByKey("resident-male")
	for what, secret := range map[string]string{"ID number": p.Card.IDNumber, "name": p.Card.Name, "address": p.Card.Address} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the outbox file holds the taxpayer's %s in plaintext", what)
		}
	}
	if !bytes.Contains(raw, []byte(txn.KindVATReturn)) {
		t.Fatal("the outbox file does not hold the transaction at all: the check above proves nothing")
	}
}

func TestIdleTimeoutEndsSession(t *testing.T) {
	t.Parallel()
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	k := newKioskWith(t, func(o *terminal.Opts) { o.Now = clock })
	k.identify("resident-elderly")
	mu.Lock()
	now = now.Add(59 * time.Second)
	mu.Unlock()
	time.Sleep(time.Second)
	if _, ok := k.term.Desk().Person(); !ok {
		t.Fatal("session ended before the idle timeout")
	}
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if e, ok := k.sessionEvent(5 * time.Second).(desk.SessionEnded); !ok || e.Reason != session.Idle {
		t.Fatalf("after 61 s idle: %#v", e)
	}
	if _, ok := k.term.Desk().Person(); ok {
		t.Fatal("personal data kept after the idle timeout")
	}
}

// hallKinds counts the hall's stored transactions by kind.
func (k *kiosk) hallKinds() map[txn.Kind]int {
	entries, err := k.demo.Hall.List(context.Background())
	if err != nil {
		k.t.Fatal(err)
	}
	n := map[txn.Kind]int{}
	for _, e := range entries {
		n[e.Txn.Kind]++
	}
	return n
}

func (k *kiosk) waitFor(what string, ok func() bool) {
	k.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			k.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestHelpButtonCallsTheSeat(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	k.demo.PressHelp()
	for {
		if _, ok := k.event(10 * time.Second).(desk.HelpCalled); ok {
			break
		}
	}
	k.waitFor("the tower light blinking", func() bool { return k.demo.TowerLight() == gpio.TowerBlink })
	k.waitFor("the help request at the hall", func() bool { return k.hallKinds()[txn.KindHelpRequest] == 1 })
}

func TestCabinetDoorRaisesTamperAlarm(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	k.demo.SetDoor(true)
	k.waitFor("the tower light on", func() bool { return k.demo.TowerLight() == gpio.TowerOn })
	k.waitFor("the tamper alarm at the hall", func() bool { return k.hallKinds()[txn.KindTamper] == 1 })
	k.demo.SetDoor(false)
	k.waitFor("the tower light off", func() bool { return k.demo.TowerLight() == gpio.TowerOff })
}

func TestGoOnWithoutTheCard(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	k.identify("resident-male")
	k.demo.LiftCard()
	if _, ok := k.sessionEvent(5 * time.Second).(desk.CardLifted); !ok {
		t.Fatal("no question after the card was lifted")
	}
	k.term.Desk().KeepSession()
	time.Sleep(2 * time.Second) // past the grace time
	if _, ok := k.term.Desk().Person(); !ok {
		t.Fatal("the session ended although the taxpayer chose to go on")
	}
	if _, err := k.term.Services().Filing.Submit(context.Background(), k.term.Services().Filing.Draft(), i18n.ZH); err != nil {
		t.Fatal(err)
	}
}

func TestOfflinePolicyRefusesBeforeTheTaxpayerStarts(t *testing.T) {
	t.Parallel()
	k := newKioskConfigured(t, nil, func(c *config.Config) {
		c.OfflinePolicy.Services[string(txn.KindVATReturn)] = policy.Rule{Mode: policy.OnlineOnly}
	})
	k.identify("resident-male")
	k.demo.SetLink(false)
	k.waitFor("the return to wait for the network", func() bool {
		s := k.term.Desk().Services()[0]
		return !s.Available && s.ReasonKey == "policy.online_only"
	})
	_, err := k.term.Services().Filing.Submit(context.Background(), k.term.Services().Filing.Draft(), i18n.ZH)
	if counter.MessageKey(err) != "policy.online_only" {
		t.Fatalf("offline submission of an online-only service: %v", err)
	}
	k.demo.SetLink(true)
	k.waitFor("the return to come back", func() bool { return k.term.Desk().Services()[0].Available })
}

// TestPrinterUnpluggedAndBack: the printer's adapter is pulled mid-day; the service waits
// with the reason on screen, and comes back by itself when the adapter is plugged in again.
func TestPrinterUnpluggedAndBack(t *testing.T) {
	t.Parallel()
	k := newKioskWith(t, func(o *terminal.Opts) { o.SuperviseEvery = 200 * time.Millisecond })
	k.identify("resident-male")
	if err := k.demo.SetPlugged(demo.DevPrinter, false); err != nil {
		t.Fatal(err)
	}
	k.waitFor("the service to wait for the printer", func() bool {
		s := k.term.Desk().Services()[0]
		return !s.Available && s.ReasonKey == "service.blocked.offline"
	})
	if err := k.demo.SetPlugged(demo.DevPrinter, true); err != nil {
		t.Fatal(err)
	}
	k.waitFor("the printer back", func() bool { return k.term.Desk().Services()[0].Available })
	out, err := k.term.Services().Filing.Submit(context.Background(), k.term.Services().Filing.Draft(), i18n.ZH)
	if err != nil || !out.Printed {
		t.Fatalf("after replug: %+v %v", out, err)
	}
}

// TestCorruptOutboxRefusesToStart: a damaged outbox file stops the kiosk from accepting
// anything, with an error that says so, and the file is left for a technician.
func TestCorruptOutboxRefusesToStart(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.DataDir = t.TempDir()
	garbage := []byte("not a bbolt file: a technician must see it as it is")
	if err := os.WriteFile(c.OutboxPath(), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	cat, _ := i18n.Load(assets.Translations())
	_, err := terminal.Open(c, terminal.Opts{Catalog: cat})
	if !errors.Is(err, outbox.ErrCorrupt) {
		t.Fatalf("Open over a damaged outbox: %v", err)
	}
	if b, _ := os.ReadFile(c.OutboxPath()); !bytes.Equal(b, garbage) {
		t.Fatal("the damaged file was changed")
	}
}
