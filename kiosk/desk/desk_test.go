package desk_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
)

const poll = 100 * time.Millisecond

// TestIdleTimeoutOnTheClock: a session untouched for the idle timeout ends by itself, and
// not a poll before; a touch starts the timeout again.
func TestIdleTimeoutOnTheClock(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.IdleTimeout = 60 * time.Second })
	k.run()
	k.reader.place(card)
	next[desk.SessionStarted](k, poll)
	k.clock.Advance(50 * time.Second)
	k.Touch()
	k.clock.Advance(59 * time.Second)
	if _, ok := k.Person(); !ok {
		t.Fatal("the session ended within the idle timeout of a touch")
	}
	began := k.clock.Now()
	if e := next[desk.SessionEnded](k, poll); e.Reason != session.Idle {
		t.Fatalf("ended %+v", e)
	}
	if waited := k.clock.Now().Sub(began); waited > 2*time.Second {
		t.Fatalf("ended %v after the timeout was due", waited)
	}
}

// TestLiftGraceOnTheClock: a lifted card is asked about after two "no card" answers; without
// an answer the session ends after the grace, and "go on" keeps it.
func TestLiftGraceOnTheClock(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		k := newDesk(t, func(o *desk.Opts) { o.LiftGrace = 20 * time.Second })
		k.run()
		k.reader.place(card)
		next[desk.SessionStarted](k, poll)
		k.reader.lift()
		lifted := next[desk.CardLifted](k, poll)
		if lifted.Grace != 20*time.Second {
			t.Fatalf("grace %v", lifted.Grace)
		}
		if keep {
			k.KeepSession()
			k.clock.Advance(50 * time.Second) // past the grace, within the idle timeout
			if _, ok := k.Person(); !ok {
				t.Fatal("the session ended though the taxpayer chose to go on")
			}
			continue
		}
		k.clock.Advance(19 * time.Second)
		if _, ok := k.Person(); !ok {
			t.Fatal("the session ended within the grace")
		}
		if e := next[desk.SessionEnded](k, poll); e.Reason != session.CardLifted {
			t.Fatalf("ended %+v", e)
		}
	}
}

// TestOutOfServiceAfterTheGrace: with nothing able to print, the services wait with the
// reason; only after OutOfServiceAfter does the kiosk go out of service (tower light on, an
// audit record for the hall), and it comes back by itself when the printer prints again.
func TestOutOfServiceAfterTheGrace(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.OutOfServiceAfter = 2 * time.Minute })
	k.run()
	k.printer.set(escpos.Status{Online: true, Paper: escpos.PaperEnd})
	next[desk.ServicesChanged](k, poll)
	for _, a := range k.Services() {
		if a.Available || a.ReasonKey != "service.blocked.paper_out" {
			t.Fatalf("%+v while the paper is out", a)
		}
	}
	k.clock.Advance(time.Minute + 50*time.Second)
	if k.OutOfService() != "" || k.cabinet.light() != gpio.TowerOff {
		t.Fatalf("out of service %q, light %s, before the grace ran out", k.OutOfService(), k.cabinet.light())
	}
	next[desk.ServicesChanged](k, poll)
	if k.OutOfService() != "service.blocked.paper_out" || k.cabinet.light() != gpio.TowerOn {
		t.Fatalf("out of service %q, light %s, after the grace", k.OutOfService(), k.cabinet.light())
	}
	k.printer.set(escpos.Status{Online: true, Paper: escpos.PaperOK})
	next[desk.ServicesChanged](k, poll)
	if k.OutOfService() != "" || k.cabinet.light() != gpio.TowerOff {
		t.Fatalf("out of service %q, light %s, with the printer back", k.OutOfService(), k.cabinet.light())
	}
	audits := 0
	recs, err := k.outbox.List(outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Txn.Kind == txn.KindAudit {
			audits++
		}
	}
	if audits != 2 {
		t.Fatalf("%d audit records, want out of service and back", audits)
	}
}

// TestSubmitWaitsForTheSignal: the receipt says "delivered" when the sync loop signals the
// hall's answer within SyncWait, "queued" when the wait runs out on the clock; either way
// the transaction was committed before the receipt printed.
func TestSubmitWaitsForTheSignal(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.SyncWait = 3 * time.Second })
	receipt := func(_ txn.Txn, delivered bool) *escpos.Document {
		return (&escpos.Document{}).Paragraph(map[bool]string{true: "delivered", false: "queued"}[delivered])
	}
	submit := func() chan counter.Outcome {
		done := make(chan counter.Outcome, 1)
		go func() {
			out, err := k.Submit(context.Background(), counter.Submission{Kind: txn.KindRating, Always: true, Body: map[string]int{"level": 5}, Receipt: receipt})
			if err != nil {
				t.Error(err)
			}
			done <- out
		}()
		<-k.uplink.woken
		return done
	}

	done := submit()
	k.clock.WaitFor(1) // the wait's timer
	recs, _ := k.outbox.List(outbox.Filter{})
	if len(recs) != 1 || recs[0].State != txn.Queued {
		t.Fatalf("while waiting: %+v", recs)
	}
	k.uplink.deliver(t, k.outbox, recs[0].Txn.ID)
	if out := <-done; !out.Delivered || !out.Printed || out.Receipt == "" {
		t.Fatalf("signalled: %+v", out)
	}

	done = submit()
	k.clock.WaitFor(1)
	k.clock.Advance(3 * time.Second)
	if out := <-done; out.Delivered || !out.Printed {
		t.Fatalf("not signalled: %+v", out)
	}
	if k.printer.printed() != 2 {
		t.Fatalf("%d receipts printed", k.printer.printed())
	}
}

// TestSubmitRefusalsAcceptNothing: the service's check and the offline policy come before
// the commit: a refusal leaves nothing in the outbox and prints nothing.
func TestSubmitRefusalsAcceptNothing(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.uplink.online = false
	mine := errors.New("not this one")
	_, err := k.Submit(context.Background(), counter.Submission{Kind: txn.KindTaxPayment, Check: func() error { return mine }})
	if !errors.Is(err, mine) {
		t.Fatalf("the check's refusal: %v", err)
	}
	_, err = k.Submit(context.Background(), counter.Submission{Kind: txn.KindTaxPayment, Body: map[string]int{}})
	if counter.MessageKey(err) != "policy.online_only" {
		t.Fatalf("offline payment: %v", err)
	}
	if recs, _ := k.outbox.List(outbox.Filter{}); len(recs) != 0 || k.printer.printed() != 0 {
		t.Fatalf("%d accepted, %d printed by refusals", len(recs), k.printer.printed())
	}
}

// TestHelpBlinksForItsTime: a call for the expert seat is recorded and blinks the tower
// light for three minutes of the clock, then the light goes back to what else needs it.
func TestHelpBlinksForItsTime(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	number, err := k.CallHelp(context.Background(), "screen")
	if err != nil || number != "00000001" || k.cabinet.light() != gpio.TowerBlink {
		t.Fatalf("call %q %v, light %s", number, err, k.cabinet.light())
	}
	k.clock.Advance(3*time.Minute - time.Second)
	if k.cabinet.light() != gpio.TowerBlink {
		t.Fatal("the light stopped blinking early")
	}
	k.clock.Advance(time.Second)
	for m := range k.cabinet.modes { // the timer's function runs in its own goroutine
		if m == gpio.TowerOff {
			break
		}
	}
}

// TestPINLockoutOnTheClock: five wrong PINs lock entry for a minute of the clock, each
// attempt audited; the right PIN is refused while locked and opens maintenance after,
// which a taxpayer's session in progress would have prevented.
func TestPINLockoutOnTheClock(t *testing.T) {
	t.Parallel()
	hash, err := maint.HashPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	k := newDesk(t, func(o *desk.Opts) { o.TechnicianPINs = []string{hash} })
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		err := k.EnterMaintenance(ctx, "000000", "screen")
		var locked *desk.LockedError
		var wrong *desk.WrongPINError
		switch {
		case i < 5 && !errors.Is(err, desk.ErrWrongPIN):
			t.Fatalf("wrong PIN %d: %v", i, err)
		case i < 5 && !errors.As(err, &wrong):
			t.Fatalf("wrong PIN %d does not say how many are left: %v", i, err)
		case i < 5 && wrong.Left != 5-i:
			t.Fatalf("wrong PIN %d: %d left, want %d", i, wrong.Left, 5-i)
		case i == 5 && (!errors.As(err, &locked) || locked.Wait != maint.FirstLock):
			t.Fatalf("fifth wrong PIN: %v", err)
		}
	}
	k.clock.Advance(maint.FirstLock - time.Second)
	var locked *desk.LockedError
	if err := k.EnterMaintenance(ctx, "246810", "screen"); !errors.As(err, &locked) || locked.Wait != time.Second {
		t.Fatalf("the right PIN while locked: %v", err)
	}
	k.clock.Advance(time.Second)
	if err := k.EnterMaintenance(ctx, "246810", "screen"); err != nil || !k.InMaintenance() || k.cabinet.light() != gpio.TowerOn {
		t.Fatalf("after the lock: %v, in maintenance %t, light %s", err, k.InMaintenance(), k.cabinet.light())
	}
	if recs, _ := k.outbox.List(outbox.Filter{}); len(recs) != 6 {
		t.Fatalf("%d audit records, want five failures and the entry", len(recs))
	}
}

// TestPINPadOpensDuringTheRead: a card read while the technician opens the PIN pad (a read
// takes seconds) is the technician's, never a taxpayer's session.
func TestPINPadOpensDuringTheRead(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.reader.mu.Lock()
	k.reader.during = func() { k.AwaitTechnician(true) }
	k.reader.mu.Unlock()
	k.reader.place(card)
	k.run()
	for range 100 {
		k.clock.Advance(100 * time.Millisecond)
		for drained := false; !drained; {
			select {
			case e := <-k.Events():
				switch e := e.(type) {
				case desk.SessionStarted:
					t.Fatal("a taxpayer session started from a card read while the PIN pad opened")
				case desk.TechnicianRefused:
					if !errors.Is(e.Err, desk.ErrUnknownCard) {
						t.Fatalf("refused with %v, want the unknown card", e.Err)
					}
					return
				}
			default:
				drained = true
			}
		}
	}
	t.Fatal("the card read at the PIN pad was neither refused nor let in")
}

// TestOpenDoorTakesNoTaxpayer: while the cabinet door stands open the kiosk is out of
// service (a card placed starts nothing, the light is on); shut, it serves again.
func TestOpenDoorTakesNoTaxpayer(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.run()
	k.cabinet.events <- gpio.Event{Input: gpio.Door, Active: true}
	if e := next[desk.DoorChanged](k, 100*time.Millisecond); !e.Open {
		t.Fatal("the door's opening was not told")
	}
	if got := k.OutOfService(); got != desk.KeyDoorOpen {
		t.Fatalf("out of service %q with the door open", got)
	}
	k.reader.place(card)
	for range 50 {
		k.clock.Advance(100 * time.Millisecond)
	}
	if _, ok := k.Person(); ok {
		t.Fatal("a session started with the cabinet door open")
	}
	if k.cabinet.light() != gpio.TowerOn {
		t.Fatalf("tower light %s with the door open", k.cabinet.light())
	}
	k.cabinet.events <- gpio.Event{Input: gpio.Door}
	next[desk.SessionStarted](k, 100*time.Millisecond)
	if got := k.OutOfService(); got != "" {
		t.Fatalf("still out of service (%q) after the door shut", got)
	}
}

// TestPaperLoadedReopensServicesAtOnce: with supervision at its default 5 s, paper loaded
// into a printer that had run out reopens the services within 2 s on the clock, not at the
// next supervision (issue 12: they came back 25–30 s after the paper).
func TestPaperLoadedReopensServicesAtOnce(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.SuperviseEvery = 5 * time.Second; o.PollEvery = 300 * time.Millisecond })
	k.run()
	k.printer.set(escpos.Status{Online: true, Paper: escpos.PaperEnd})
	next[desk.ServicesChanged](k, 300*time.Millisecond)
	if k.Available(desk.ServiceVAT) || k.PrintBlocked() != "service.blocked.paper_out" {
		t.Fatalf("the VAT return offered while the paper is out, or no reason (%q)", k.PrintBlocked())
	}
	k.clock.Advance(2*time.Second + 100*time.Millisecond) // between two supervisions
	loaded := k.clock.Now()
	k.printer.set(escpos.Status{Online: true, Paper: escpos.PaperOK})
	next[desk.ServicesChanged](k, 300*time.Millisecond)
	waited := k.clock.Now().Sub(loaded)
	if waited > 2*time.Second {
		t.Fatalf("services back %v after the paper was loaded", waited)
	}
	t.Logf("services back %v (desk clock) after the paper was loaded", waited)
	for _, a := range k.Services() {
		if !a.Available {
			t.Fatalf("%+v with the paper loaded", a)
		}
	}
	if k.PrintBlocked() != "" {
		t.Fatalf("printing blocked (%q) with the paper loaded", k.PrintBlocked())
	}
	for _, f := range k.Facilities() {
		if !f.Available {
			t.Fatalf("%+v with the paper loaded", f)
		}
	}
}

// TestAdmitsBeforeConfirmation (issue 12): offline, the policy is asked about a return's
// amount before it is confirmed; 60,000.00 yuan alone is over the 50,000.00 limit and the
// refusal says the limit; a return under it is admitted; Submit refuses as Admits said.
func TestAdmitsBeforeConfirmation(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.uplink.online = false
	err := k.Admits(txn.KindVATReturn, money.Yuan(60000))
	var refused *counter.RefusedError
	if !errors.As(err, &refused) || refused.ReasonKey != policy.ReasonAmountOver || fmt.Sprint(refused.Args) != "[limit 50000.00]" {
		t.Fatalf("60,000.00 offline: %v (%+v)", err, refused)
	}
	if err := k.Admits(txn.KindVATReturn, money.Yuan(1000)); err != nil {
		t.Fatalf("1,000.00 offline: %v", err)
	}
	_, err = k.Submit(context.Background(), counter.Submission{Kind: txn.KindVATReturn, Amount: money.Yuan(60000), Body: map[string]string{}})
	if !errors.As(err, &refused) || refused.ReasonKey != policy.ReasonAmountOver {
		t.Fatalf("submitted offline at 60,000.00: %v", err)
	}
	if recs, err := k.outbox.List(outbox.Filter{}); err != nil || len(recs) != 0 {
		t.Fatalf("%d records after a refusal (%v)", len(recs), err)
	}
}

// TestQueueWaitsForTheHall: queue numbers are the hall's to give, so offline the queue
// facility is down with its reason (the idle screen's and the menu's 取号排队 are greyed,
// with 网络中断，暂不能取号), and back with the link.
func TestQueueWaitsForTheHall(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.run()
	queue := func() desk.FacilityState {
		for _, f := range k.Facilities() {
			if f.Facility == desk.FacilityQueue {
				return f
			}
		}
		t.Fatal("no queue facility")
		return desk.FacilityState{}
	}
	// Starting, before the first exchange with the hall has ended, it is not known to be
	// unreachable: the top bar says 正在连接, and the queue stays on offer.
	k.uplink.mu.Lock()
	k.uplink.online, k.uplink.untried = false, true
	k.uplink.mu.Unlock()
	k.clock.Advance(3 * time.Second)
	if f := queue(); !f.Available {
		t.Fatalf("connecting: %+v", f)
	}
	k.uplink.mu.Lock()
	k.uplink.untried = false
	k.uplink.mu.Unlock()
	for range 20 {
		if !queue().Available {
			break
		}
		k.clock.Advance(time.Second)
	}
	if f := queue(); f.Available || f.ReasonKey != "queue.offline" {
		t.Fatalf("offline: %+v", f)
	}
	k.uplink.mu.Lock()
	k.uplink.online = true
	k.uplink.mu.Unlock()
	for range 20 {
		if queue().Available {
			break
		}
		k.clock.Advance(time.Second)
	}
	if f := queue(); !f.Available {
		t.Fatalf("online again: %+v", f)
	}
}
