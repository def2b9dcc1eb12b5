package desk

import (
	"context"
	"encoding/json"
	"fmt"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Submit is how every service hands in a transaction (package counter describes the order):
// the service's check and the offline policy, then the commit (fsync'd) that makes it
// accepted; with a receipt, the wait for the sync loop's signal that the hall has answered,
// at most SyncWait; then the receipt is journalled and printed, saying whether the hall
// already has it. An error means nothing was accepted; a printer fault after acceptance is
// in the Outcome, never an error.
func (d *Desk) Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error) {
	// A receipt holds the lock while it prints, so supervision does not ask the printer
	// meanwhile; records without one (a help call from the reader loop, an audit from
	// supervision itself) must never wait behind it.
	if s.Receipt != nil || s.Check != nil {
		d.submitMu.Lock()
		defer d.submitMu.Unlock()
	}
	if s.Check != nil {
		if err := s.Check(); err != nil {
			return counter.Outcome{}, err
		}
	}
	if !s.Always {
		if err := d.Admits(s.Kind, s.Amount); err != nil {
			return counter.Outcome{}, err
		}
	}
	if s.Taxpayer != nil {
		d.sess.Touch()
	}
	t, err := d.commit(ctx, s)
	if err != nil {
		return counter.Outcome{}, err
	}
	out := counter.Outcome{TxnID: t.ID, Kind: t.Kind, Seq: t.Seq, AcceptedAt: t.CreatedAt}
	if s.Receipt == nil {
		d.uplink.Wake()
		return out, nil
	}
	out.Delivered = d.awaitDelivery(ctx, t.ID)
	doc := s.Receipt(t, out.Delivered)
	out.Receipt = doc.Text(48)
	out.Printed, out.PrintKey = d.print(ctx, &escpos.Job{ID: t.ID, Doc: doc})
	if s.Taxpayer != nil {
		d.sess.Touch()
	}
	return out, nil
}

// commit stores the submission durably. It is the one way the desk accepts anything.
func (d *Desk) commit(ctx context.Context, s counter.Submission) (txn.Txn, error) {
	body, ok := s.Body.(json.RawMessage)
	if !ok {
		var err error
		if body, err = json.Marshal(s.Body); err != nil {
			return txn.Txn{}, err
		}
	}
	at := s.At
	if at.IsZero() {
		at = d.clock.Now()
	}
	t, err := d.outbox.Enqueue(ctx, txn.Txn{KioskID: d.opts.KioskID, Kind: s.Kind, CreatedAt: at, Taxpayer: s.Taxpayer, Body: body})
	if err != nil {
		d.log.Error("desk: transaction not accepted", "kind", s.Kind, "err", err)
		return txn.Txn{}, fmt.Errorf("%w: %v", counter.ErrNotAccepted, err)
	}
	d.log.Info("desk: transaction accepted", "id", t.ID, "seq", t.Seq, "kind", t.Kind, "taxpayer", s.Taxpayer.String())
	return t, nil
}

// awaitDelivery wakes the sync loop and waits up to SyncWait for its signal that the hall
// has answered transaction id. The outbox is read once, after the wait is registered, for
// an answer that came before it.
func (d *Desk) awaitDelivery(ctx context.Context, id string) bool {
	wait := d.syncWait()
	if wait <= 0 {
		d.uplink.Wake()
		return false
	}
	settled, stop := d.uplink.Settled(id)
	defer stop()
	d.uplink.Wake()
	if rec, err := d.outbox.Get(id); err == nil && rec.State != txn.Queued && rec.State != txn.Sending {
		return true
	}
	timeout := make(chan struct{})
	timer := d.clock.AfterFunc(wait, func() { close(timeout) })
	defer timer.Stop()
	select {
	case <-settled:
		return true
	case <-timeout:
	case <-ctx.Done():
	}
	return false
}

// record keeps a record of the kiosk's own (a help call, a tamper alarm, an audit) whatever
// the offline policy says; a failure is logged by commit.
func (d *Desk) record(ctx context.Context, kind txn.Kind, tp *txn.Taxpayer, body any) (counter.Outcome, error) {
	return d.Submit(ctx, counter.Submission{Kind: kind, Taxpayer: tp, Body: body, Always: true})
}

// Print journals and prints a paper that is not a transaction's receipt (a queue ticket whose
// record could not be kept: the hall's number stands); it returns the printer's message key
// when it did not print in full.
func (d *Desk) Print(ctx context.Context, id string, doc *escpos.Document) (printKey string) {
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	_, key := d.print(ctx, &escpos.Job{ID: id, Doc: doc})
	return key
}

// print records the job in the journal, prints it and records the result. It reports
// whether the receipt printed in full and, if not, the printer's message key.
func (d *Desk) print(ctx context.Context, job *escpos.Job) (printed bool, key string) {
	if d.opts.Journal != nil {
		if err := d.opts.Journal.Record(job); err != nil {
			d.log.Error("desk: journal", "id", job.ID, "err", err) // print anyway: paper first
		}
	}
	res, perr := d.printer.Print(ctx, job)
	if d.opts.Journal != nil {
		if err := d.opts.Journal.Finish(job.ID, journal.ResultOf(res, perr)); err != nil {
			d.log.Error("desk: journal", "id", job.ID, "err", err)
		}
	}
	var printErr error
	switch {
	case perr != nil:
		printErr = perr
	case res != nil && res.State != escpos.JobPrinted:
		printErr = res.Err
	}
	if printErr != nil {
		d.log.Warn("desk: receipt not printed", "id", job.ID, "err", printErr)
	}
	if d.sup.setPrinter(printErr) {
		d.emit(ServicesChanged{})
	}
	if printErr != nil {
		return false, escpos.MessageKey(printErr)
	}
	return true, ""
}

// Letterhead is what every receipt names, with the hall's current name.
func (d *Desk) Letterhead() counter.Letterhead {
	return counter.Letterhead{HallName: d.hallName(), KioskID: d.opts.KioskID, Location: d.opts.Location}
}
