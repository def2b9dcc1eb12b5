package history

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// ErrNotYours is returned for a reprint of a receipt that is not the current taxpayer's, or
// that printed in full.
var ErrNotYours = errors.New("history: receipt of another taxpayer")

// Counter is the front desk as the history uses it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Print(ctx context.Context, id string, doc *escpos.Document) (printKey string)
	Letterhead() counter.Letterhead
	Now() time.Time
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
				h.Unprinted = true
			}
		}
		out = append(out, h)
	}
	slices.Reverse(out)
	return out
}

// Reprint prints again a receipt of the current taxpayer that did not print in full; it
// returns the printer's message key when it did not print this time either.
func (s *Service) Reprint(ctx context.Context, txnID string) (printKey string, err error) {
	if !slices.ContainsFunc(s.List(), func(h Item) bool { return h.TxnID == txnID && h.Unprinted }) {
		return "", ErrNotYours
	}
	e, err := s.jnl.Get(txnID)
	if err != nil {
		return "", err
	}
	return s.c.Print(ctx, txnID, e.Doc), nil
}
