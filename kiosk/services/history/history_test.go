package history

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
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
	jnl, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jnl.Close() })
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
		job := &escpos.Job{ID: id, Doc: (&escpos.Document{}).Paragraph(id)}
		if err := jnl.Record(job); err != nil {
			t.Fatal(err)
		}
		res := &escpos.JobResult{ID: id, State: escpos.JobPrinted}
		if id != paid {
			res = &escpos.JobResult{ID: id, State: escpos.JobFailed, Reprintable: true, Err: escpos.ErrPaperOut}
		}
		if err := jnl.Finish(id, journal.ResultOf(res, nil)); err != nil {
			t.Fatal(err)
		}
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
