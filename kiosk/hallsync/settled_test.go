package hallsync

import (
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// TestSettledSignalsTheHallsAnswer: a receipt waiting on Settled learns of the hall's answer
// (an acknowledgement or a refusal) once it is committed, and a wait given up is forgotten.
func TestSettledSignalsTheHallsAnswer(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	good := enqueue(t, ob, 1)[0]
	odd, err := ob.Enqueue(t.Context(), txn.Txn{Kind: "land_tax_refund"})
	if err != nil {
		t.Fatal(err)
	}
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, nil)
	goodDone, stopGood := s.Settled(good)
	defer stopGood()
	oddDone, stopOdd := s.Settled(odd.ID)
	defer stopOdd()
	_, giveUp := s.Settled(good)
	giveUp()
	select {
	case <-goodDone:
		t.Fatal("signalled before anything was sent")
	default:
	}
	if err := s.syncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan struct{}{"acknowledged": goodDone, "refused": oddDone} {
		select {
		case <-ch:
		default:
			t.Errorf("%s: no signal after the hall answered", name)
		}
	}
	if r, _ := ob.Get(good); r.State == txn.Queued || r.State == txn.Sending {
		t.Fatalf("signalled while the outbox still says %s", r.State)
	}
	if n := len(s.settled); n != 0 {
		t.Fatalf("%d waits left behind", n)
	}
}
