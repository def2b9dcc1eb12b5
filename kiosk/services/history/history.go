package history

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Counter is the front desk as the history uses it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Print(ctx context.Context, id string, doc *escpos.Document) (printKey string)
	Letterhead() counter.Letterhead
	Now() time.Time
	// PrintBlocked is the reason key (service.blocked.*) while the printer cannot print,
	// "" while it can.
	PrintBlocked() string
}

// Records are the transactions accepted at this kiosk (the outbox).
type Records interface {
	List(f outbox.Filter) ([]outbox.Record, error)
}

// Journal is the printer journal, where every receipt was recorded before it printed.
type Journal interface {
	Get(id string) (*journal.Entry, error)
}

// Window is how far back a returning taxpayer's transactions are shown.
const Window = 30 * 24 * time.Hour

// listed reports whether a returning taxpayer waits for the results of kind.
func listed(kind txn.Kind) bool {
	switch kind {
	case txn.KindVATReturn, txn.KindInvoiceCollection, txn.KindTaxPayment:
		return true
	}
	return false
}

// Item is one of the taxpayer's recent transactions at this kiosk, as the welcome screen
// shows it: where it stands, what the hall said, whether its receipt is still owed.
type Item struct {
	TxnID      string
	Number     string
	Kind       txn.Kind
	State      txn.State
	Message    string
	Code       string // the hall's result code (hallapi.Result...), once it answered
	AcceptedAt time.Time
	Unprinted  bool // the receipt never printed in full: it can be printed again here
	// ReprintBlocked, for an unprinted receipt, is why it cannot be printed again now (the
	// printer's service.blocked.* key: paper out, cover open...); "" when it can. The screen
	// then shows the reason instead of offering a reprint that would fail the same way.
	ReprintBlocked string
}

// Service lists and reprints.
type Service struct {
	c   Counter
	rec Records
	jnl Journal
	log *slog.Logger
}

// New is the history over counter c, the kiosk's records and the printer journal (nil: no
// receipt can be printed again); a nil log means slog.Default().
func New(c Counter, rec Records, jnl Journal, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{c: c, rec: rec, jnl: jnl, log: log}
}

// List is the current taxpayer's transactions of the last 30 days, newest first.
func (s *Service) List() []Item {
	tp, ok := s.c.Taxpayer()
	if !ok {
		return nil
	}
	recs, err := s.rec.List(outbox.Filter{Since: s.c.Now().Add(-Window)})
	if err != nil {
		s.log.Warn("history: not read", "err", err)
		return nil
	}
	loc := s.c.Letterhead().Location
	blocked := s.c.PrintBlocked()
	var out []Item
	for _, r := range recs {
		if r.Txn.Taxpayer == nil || r.Txn.Taxpayer.IDNumber != tp.IDNumber || !listed(r.Txn.Kind) {
			continue
		}
		h := Item{TxnID: r.Txn.ID, Number: counter.ReceiptNumber(r.Txn.Seq), Kind: r.Txn.Kind, State: r.State, AcceptedAt: r.Txn.CreatedAt.In(loc)}
		if r.State.Done() {
			h.Message, h.Code = r.Result.Message, r.Result.Code
		}
		if s.jnl != nil {
			if e, err := s.jnl.Get(r.Txn.ID); err == nil && e.State != journal.Printed && e.Reprintable {
				h.Unprinted, h.ReprintBlocked = true, blocked
			}
		}
		out = append(out, h)
	}
	slices.Reverse(out)
	return out
}

// Reprint prints again a receipt of the current taxpayer that did not print in full. A
// receipt that did not print this time either is a failure: the error is a *PrintError
// (ErrNotPrinted) and printKey the printer's message key (printer.paper_out...). While the
// printer cannot print, nothing is sent and the error is a *counter.RefusedError with the
// printer's service.blocked.* key.
func (s *Service) Reprint(ctx context.Context, txnID string) (printKey string, err error) {
	i := slices.IndexFunc(s.List(), func(h Item) bool { return h.TxnID == txnID && h.Unprinted })
	if i < 0 {
		return "", ErrNotYours
	}
	if blocked := s.c.PrintBlocked(); blocked != "" {
		return "", &counter.RefusedError{ReasonKey: blocked}
	}
	e, err := s.jnl.Get(txnID)
	if err != nil {
		return "", err
	}
	if key := s.c.Print(ctx, txnID, e.Doc); key != "" {
		return key, &PrintError{Key: key}
	}
	return "", nil
}
