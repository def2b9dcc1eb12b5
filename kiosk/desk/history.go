package desk

import (
	"context"
	"errors"
	"slices"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/txn"
)

// Journal is the printer journal as the desk uses it: every receipt is recorded before it is
// sent, so one lost to paper out or a crash can be printed again.
type Journal interface {
	Record(job *escpos.Job) error
	Finish(id string, res journal.Result) error
	Get(id string) (*journal.Entry, error)
}

// inHistory reports whether a returning taxpayer waits for the results of kind.
func inHistory(kind txn.Kind) bool {
	switch kind {
	case txn.KindVATReturn, txn.KindInvoiceCollection, txn.KindTaxPayment:
		return true
	}
	return false
}

// historyWindow is how far back a returning taxpayer's transactions are shown.
const historyWindow = 30 * 24 * time.Hour

// HistoryItem is one of the taxpayer's recent transactions at this kiosk, as the welcome
// screen shows it: where it stands, what the hall said, whether its receipt is still owed.
type HistoryItem struct {
	TxnID      string
	Number     string
	Kind       txn.Kind
	State      txn.State
	Message    string
	Code       string // the hall's result code (hallapi.Result...), once it answered
	AcceptedAt time.Time
	Unprinted  bool // the receipt never printed in full: it can be printed again here
}

// History lists the current taxpayer's transactions of the last 30 days, newest first, so
// that results from the hall reach them when they come back.
func (d *Desk) History() []HistoryItem {
	tp, ok := d.sess.Taxpayer()
	if !ok {
		return nil
	}
	recs, err := d.outbox.List(outbox.Filter{Since: d.opts.Now().Add(-historyWindow)})
	if err != nil {
		d.log.Warn("desk: history", "err", err)
		return nil
	}
	var out []HistoryItem
	for _, r := range recs {
		if r.Txn.Taxpayer == nil || r.Txn.Taxpayer.IDNumber != tp.IDNumber || !inHistory(r.Txn.Kind) {
			continue
		}
		h := HistoryItem{TxnID: r.Txn.ID, Number: ReceiptNumber(r.Txn.Seq), Kind: r.Txn.Kind, State: r.State, AcceptedAt: r.Txn.CreatedAt.In(d.opts.Location)}
		if r.State.Done() {
			h.Message, h.Code = r.Result.Message, r.Result.Code
		}
		if d.opts.Journal != nil {
			if e, err := d.opts.Journal.Get(r.Txn.ID); err == nil && e.State != journal.Printed && e.Reprintable {
				h.Unprinted = true
			}
		}
		out = append(out, h)
	}
	slices.Reverse(out)
	return out
}

// ErrNotYours is returned for a reprint of a receipt that is not the current taxpayer's.
var ErrNotYours = errors.New("desk: receipt of another taxpayer")

// Reprint prints again a receipt of the current taxpayer that did not print in full.
func (d *Desk) Reprint(ctx context.Context, txnID string) (printKey string, err error) {
	if !slices.ContainsFunc(d.History(), func(h HistoryItem) bool { return h.TxnID == txnID && h.Unprinted }) {
		return "", ErrNotYours
	}
	e, err := d.opts.Journal.Get(txnID)
	if err != nil {
		return "", err
	}
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	ok, key := d.print(ctx, &escpos.Job{ID: txnID, Doc: e.Doc})
	if !ok {
		return key, nil
	}
	return "", nil
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
