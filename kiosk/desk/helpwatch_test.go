package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
)

// seatHall is a hall whose expert seat answers what a test sets: the state of one call.
type seatHall struct {
	mu    sync.Mutex
	state hallapi.HelpState
}

func (h *seatHall) Lookup(context.Context, string, hallapi.Session) ([]hallapi.Enterprise, error) {
	return nil, nil
}

func (h *seatHall) Help(context.Context, string) (hallapi.HelpState, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, nil
}

func (h *seatHall) set(s hallapi.HelpState) { h.mu.Lock(); h.state = s; h.mu.Unlock() }

// drained is the next event of type T already emitted, if any, leaving the others out.
func drained[T desk.Event](k *counterDesk) (T, bool) {
	for {
		select {
		case e := <-k.Events():
			if v, ok := e.(T); ok {
				return v, true
			}
		default:
			var zero T
			return zero, false
		}
	}
}

// recorded is the kiosk's transactions of kind, in the outbox.
func recorded(t *testing.T, k *counterDesk, kind txn.Kind) []txn.Txn {
	t.Helper()
	recs, err := k.outbox.List(outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []txn.Txn
	for _, r := range recs {
		if r.Txn.Kind == kind {
			out = append(out, r.Txn)
		}
	}
	return out
}

// TestHelpCancelStopsTheLight (issue 12): a call cancelled at the kiosk stops the tower
// light at once, is committed as a help_cancel naming the call's own transaction (the
// outbox delivers it like any other), and is emitted with the call's number; there is then
// nothing left to cancel, and the light stays out when the call's time would have ended.
func TestHelpCancelStopsTheLight(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	if _, err := k.CancelHelp(context.Background()); !errors.Is(err, desk.ErrNoHelpCall) {
		t.Fatalf("cancel with no call: %v", err)
	}
	number, err := k.CallHelp(context.Background(), "screen")
	if err != nil {
		t.Fatal(err)
	}
	k.clock.Advance(30 * time.Second)
	if k.cabinet.light() != gpio.TowerBlink {
		t.Fatalf("light %s while the call is open", k.cabinet.light())
	}
	got, err := k.CancelHelp(context.Background())
	if err != nil || got != number {
		t.Fatalf("cancel = %q, %v; the call was %q", got, err, number)
	}
	if k.cabinet.light() != gpio.TowerOff {
		t.Fatalf("light %s after the cancel", k.cabinet.light())
	}
	if e, ok := drained[desk.HelpCancelled](k); !ok || e.Number != number {
		t.Fatalf("HelpCancelled = %+v, %t", e, ok)
	}
	calls, cancels := recorded(t, k, txn.KindHelpRequest), recorded(t, k, txn.KindHelpCancel)
	if len(calls) != 1 || len(cancels) != 1 {
		t.Fatalf("%d calls and %d cancels recorded", len(calls), len(cancels))
	}
	var body hallapi.HelpCancelBody
	if err := json.Unmarshal(cancels[0].Body, &body); err != nil || body.Call != calls[0].ID || cancels[0].Taxpayer != nil {
		t.Fatalf("the cancel names %q (%v), taxpayer %v; the call is %s", body.Call, err, cancels[0].Taxpayer, calls[0].ID)
	}
	if _, err := k.CancelHelp(context.Background()); !errors.Is(err, desk.ErrNoHelpCall) {
		t.Fatalf("a second cancel: %v", err)
	}
	k.clock.Advance(3 * time.Minute)
	if k.cabinet.light() != gpio.TowerOff {
		t.Fatalf("light %s when the cancelled call's time ends", k.cabinet.light())
	}
}

// TestHelpAcceptedCannotBeCancelled: once the seat has taken the call (the hall says so
// on the kiosk's next question) the light stops and there is nothing to cancel; a call
// nobody takes stays cancellable after the light's three minutes, until helpWatch.
func TestHelpAcceptedCannotBeCancelled(t *testing.T) {
	t.Parallel()
	hall := &seatHall{}
	k := newDesk(t, func(o *desk.Opts) { o.Hall = hall })
	number, err := k.CallHelp(context.Background(), "button")
	if err != nil {
		t.Fatal(err)
	}
	id := recorded(t, k, txn.KindHelpRequest)[0].ID
	k.clock.WaitFor(2) // the light's timer and the call's watch
	hall.set(hallapi.HelpState{TxnID: id, State: hallapi.HelpWaiting})
	k.clock.Advance(4 * time.Minute)
	for m := range k.cabinet.modes { // the light's timer runs its function in a goroutine
		if m == gpio.TowerOff {
			break
		}
	}
	if _, ok := drained[desk.HelpEnded](k); ok {
		t.Fatal("the call ended with the light: it waits at the seat still")
	}
	hall.set(hallapi.HelpState{TxnID: id, State: hallapi.HelpAccepted})
	k.clock.Advance(2 * time.Second)
	var accepted desk.HelpAccepted
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var ok bool
		if accepted, ok = drained[desk.HelpAccepted](k); ok || time.Now().After(deadline) {
			break
		}
	}
	if accepted.Number != number {
		t.Fatalf("HelpAccepted = %+v", accepted)
	}
	if _, err := k.CancelHelp(context.Background()); !errors.Is(err, desk.ErrNoHelpCall) {
		t.Fatalf("cancelling an accepted call: %v", err)
	}
	if n := len(recorded(t, k, txn.KindHelpCancel)); n != 0 {
		t.Fatalf("%d cancels recorded for an accepted call", n)
	}
}

// TestSessionEndWithdrawsItsHelpCall: a call made in a taxpayer's session is cancelled when
// the session ends, so the next taxpayer finds no open call (nor its 取消呼叫) and the seat
// does not come to a kiosk nobody waits at; a call made without a card stays open.
func TestSessionEndWithdrawsItsHelpCall(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.run()
	k.reader.place(card)
	next[desk.SessionStarted](k, poll)
	number, err := k.CallHelp(context.Background(), "screen")
	if err != nil {
		t.Fatal(err)
	}
	k.EndSession(session.Finished)
	if e, ok := drained[desk.HelpCancelled](k); !ok || e.Number != number || !e.Withdrawn {
		t.Fatalf("HelpCancelled after the session ended = %+v, %t", e, ok)
	}
	if _, err := k.CancelHelp(context.Background()); !errors.Is(err, desk.ErrNoHelpCall) {
		t.Fatalf("the ended session's call is still open: %v", err)
	}
	calls, cancels := recorded(t, k, txn.KindHelpRequest), recorded(t, k, txn.KindHelpCancel)
	var body hallapi.HelpCancelBody
	if len(cancels) != 1 || json.Unmarshal(cancels[0].Body, &body) != nil || body.Call != calls[0].ID {
		t.Fatalf("cancels %+v for the call %s", cancels, calls[0].ID)
	}
	if k.cabinet.light() != gpio.TowerOff {
		t.Fatalf("light %s after the session's call was withdrawn", k.cabinet.light())
	}

	// A call made without a card is nobody's session: a session that starts and ends after
	// it leaves it open.
	k.reader.lift()
	k.clock.Advance(time.Second)
	if _, err := k.CallHelp(context.Background(), "button"); err != nil {
		t.Fatal(err)
	}
	k.reader.place(card)
	next[desk.SessionStarted](k, poll)
	k.EndSession(session.Finished)
	if _, err := k.CancelHelp(context.Background()); err != nil {
		t.Fatalf("a call made without a card was withdrawn with the next session: %v", err)
	}
}
