package history

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// TestOwnRecentReceiptsOnly: the list holds the taxpayer's own returns, applications and
// payments of the last 30 days, newest first, with the hall's answer; only a receipt that
// did not print in full is offered and printed again, and nobody else's.
func TestOwnRecentReceiptsOnly(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	f.Outbox = countertest.OpenOutbox(t, f.Head.KioskID)
	jnl := openJournal(t)
	other := &txn.Taxpayer{Name: "马秀兰", IDNumber: "41040219800101123X"}
	enqueue := func(kind txn.Kind, tp *txn.Taxpayer, at time.Time) string {
		r, err := f.Outbox.Enqueue(context.Background(), txn.Txn{Kind: kind, Taxpayer: tp, CreatedAt: at, Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	old := enqueue(txn.KindVATReturn, countertest.Taxpayer, countertest.Day.Add(-31*24*time.Hour))
	paid := enqueue(txn.KindTaxPayment, countertest.Taxpayer, countertest.Day.Add(-time.Hour))
	enqueue(txn.KindRating, countertest.Taxpayer, countertest.Day)
	theirs := enqueue(txn.KindVATReturn, other, countertest.Day)
	filed := enqueue(txn.KindVATReturn, countertest.Taxpayer, countertest.Day)
	for _, id := range []string{paid, theirs, filed} {
		journalled(t, jnl, id, id == paid)
	}
	s := New(f, f.Outbox, jnl, nil)
	list := s.List()
	if len(list) != 2 || list[0].TxnID != filed || !list[0].Unprinted || list[1].TxnID != paid || list[1].Unprinted {
		t.Fatalf("history %+v, want the return (unprinted) then the payment", list)
	}
	for _, id := range []string{paid, theirs, old} {
		if _, err := s.Reprint(context.Background(), id); !errors.Is(err, ErrNotYours) {
			t.Errorf("reprint of %s: %v", id, err)
		}
	}
	if _, err := s.Reprint(context.Background(), filed); err != nil || len(f.Printed) != 1 {
		t.Fatalf("reprint: %v, %d printed", err, len(f.Printed))
	}
	f.Person = nil
	if s.List() != nil {
		t.Fatal("a history without a session")
	}
}

// TestReprintFailureIsAFailure (issue 12): a reprint the printer fails for paper-out is a
// failure carrying the printer's message key, not a success; while the paper is out the
// list says why no reprint is offered, and Reprint sends nothing.
func TestReprintFailureIsAFailure(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	f.Outbox = countertest.OpenOutbox(t, f.Head.KioskID)
	jnl := openJournal(t)
	r, err := f.Outbox.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: countertest.Taxpayer, CreatedAt: countertest.Day, Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	journalled(t, jnl, r.ID, false)
	s := New(f, f.Outbox, jnl, nil)

	// The paper runs out between the list and the tap: the printer fails the job.
	f.PrintFails = "printer.paper_out"
	key, err := s.Reprint(context.Background(), r.ID)
	var pe *PrintError
	if !errors.Is(err, ErrNotPrinted) || !errors.As(err, &pe) || pe.Key != "printer.paper_out" || key != "printer.paper_out" {
		t.Fatalf("reprint with the paper out: key %q, err %v; want a PrintError with printer.paper_out", key, err)
	}

	// Supervision knows the paper is out: no reprint is offered, and none is sent.
	f.PrintFails, f.Blocked = "", "service.blocked.paper_out"
	if list := s.List(); len(list) != 1 || !list[0].Unprinted || list[0].ReprintBlocked != "service.blocked.paper_out" {
		t.Fatalf("history while the paper is out: %+v", list)
	}
	_, err = s.Reprint(context.Background(), r.ID)
	var refused *counter.RefusedError
	if !errors.As(err, &refused) || refused.ReasonKey != "service.blocked.paper_out" || len(f.Printed) != 0 {
		t.Fatalf("reprint while blocked: %v, %d printed", err, len(f.Printed))
	}

	// Paper loaded: offered again, and it prints.
	f.Blocked = ""
	if list := s.List(); list[0].ReprintBlocked != "" {
		t.Fatalf("history with paper: %+v", list)
	}
	if key, err := s.Reprint(context.Background(), r.ID); err != nil || key != "" || len(f.Printed) != 1 {
		t.Fatalf("reprint with paper: %q %v, %d printed", key, err, len(f.Printed))
	}
}

func openJournal(t *testing.T) *journal.Journal {
	t.Helper()
	jnl, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jnl.Close() })
	return jnl
}

// journalled records receipt id in the journal as printed, or as cut short by paper-out.
func journalled(t *testing.T, jnl *journal.Journal, id string, printed bool) {
	t.Helper()
	job := &escpos.Job{ID: id, Doc: (&escpos.Document{}).Paragraph(id)}
	if err := jnl.Record(job); err != nil {
		t.Fatal(err)
	}
	res := &escpos.JobResult{ID: id, State: escpos.JobPrinted}
	if !printed {
		res = &escpos.JobResult{ID: id, State: escpos.JobFailed, Reprintable: true, Err: escpos.ErrPaperOut}
	}
	if err := jnl.Finish(id, journal.ResultOf(res, nil)); err != nil {
		t.Fatal(err)
	}
}
