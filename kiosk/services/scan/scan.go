package scan

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Counter is the front desk as scanning uses it.
type Counter interface {
	Touch()
	Online() bool
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Letterhead() counter.Letterhead
}

// Hall checks invoices.
type Hall interface {
	VerifyInvoice(ctx context.Context, q hallapi.InvoiceQuery) (hallapi.Verification, error)
}

// Records are the transactions accepted at this kiosk (the outbox).
type Records interface {
	Get(id string) (outbox.Record, error)
}

// ask bounds the question to the hall while the taxpayer waits.
const ask = 5 * time.Second

// Kind is what a scanned code turned out to be.
type Kind string

const (
	KindInvoice Kind = "invoice" // a VAT invoice's QR code: its fields, checked for form
	KindReceipt Kind = "receipt" // a receipt this kiosk printed: where its transaction stands
	KindForeign Kind = "foreign" // a receipt from another kiosk: the hall knows it
	KindUnknown Kind = "unknown" // neither
)

// ReceiptView is what a scanned receipt may show to whoever holds it: no personal data.
type ReceiptView struct {
	Number     string
	Kind       txn.Kind
	State      txn.State
	Message    string // the hall's text, when it has answered
	Code       string // the hall's result code (hallapi.Result...), when it has answered
	AcceptedAt time.Time
}

// View is the screen's view of a scanned code.
type View struct {
	Kind    Kind
	Invoice *scanner.Invoice
	Receipt *ReceiptView
}

// Scanned is the screens' event for a scanned code (a desk.Event, posted with the desk's).
type Scanned struct{ View View }

// ScreenEvent marks Scanned as an event for the screens.
func (Scanned) ScreenEvent() {}

// Verification is the hall's verdict on a scanned invoice, or Queued when the hall could not
// be asked and the check was accepted for later.
type Verification struct {
	Result  string // hallapi.InvoiceGenuine, InvoiceNotFound, InvoiceMismatch, or "" when queued
	Message hallapi.Text
	Queued  bool
	Number  string // the queued check's number, to follow it up by its receipt
}

// Service handles scanned codes.
type Service struct {
	c    Counter
	hall Hall
	rec  Records
	post func(Scanned)
	log  *slog.Logger
}

// New is the scan service over counter c, the hall (nil: checks always queued) and the
// kiosk's records; post delivers views to the screens; a nil log means slog.Default().
func New(c Counter, hall Hall, rec Records, post func(Scanned), log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{c: c, hall: hall, rec: rec, post: post, log: log}
}

// Handle is the scanner's callback: the code's view goes to the screens.
func (s *Service) Handle(code scanner.Code) {
	s.c.Touch()
	s.post(Scanned{View: s.Lookup(code)})
}

// Lookup turns a scanned code into what the screen shows.
func (s *Service) Lookup(code scanner.Code) View {
	switch code.Kind {
	case scanner.KindVATInvoice:
		return View{Kind: KindInvoice, Invoice: code.Invoice}
	case scanner.KindKioskReceipt:
		head := s.c.Letterhead()
		if code.Receipt == nil || code.Receipt.KioskID != head.KioskID {
			return View{Kind: KindForeign}
		}
		rec, err := s.rec.Get(code.Receipt.TxnID)
		if err != nil {
			if !errors.Is(err, outbox.ErrNotFound) {
				s.log.Warn("scan: receipt lookup failed", "err", err)
			}
			return View{Kind: KindForeign}
		}
		v := &ReceiptView{Number: counter.ReceiptNumber(rec.Txn.Seq), Kind: rec.Txn.Kind, State: rec.State, AcceptedAt: rec.Txn.CreatedAt.In(head.Location)}
		if rec.State.Done() {
			v.Message, v.Code = rec.Result.Message, rec.Result.Code
		}
		return View{Kind: KindReceipt, Receipt: v}
	}
	return View{Kind: KindUnknown}
}

// Verify checks a scanned invoice with the hall; offline, the check becomes a transaction
// whose result comes later.
func (s *Service) Verify(ctx context.Context, inv *scanner.Invoice) (Verification, error) {
	q := hallapi.InvoiceQuery{TypeCode: inv.TypeCode, InvoiceCode: inv.InvoiceCode, InvoiceNumber: inv.InvoiceNumber,
		Amount: inv.Amount, Date: inv.Date, CheckCode: inv.CheckCode}
	if s.hall != nil && s.c.Online() {
		qctx, cancel := context.WithTimeout(ctx, ask)
		v, err := s.hall.VerifyInvoice(qctx, q)
		cancel()
		if err == nil {
			return Verification{Result: v.Result, Message: v.Message}, nil
		}
		s.log.Info("scan: invoice check queued", "err", err)
	}
	out, err := s.c.Submit(ctx, counter.Submission{Kind: txn.KindInvoiceVerification, Always: true, Body: q})
	if err != nil {
		return Verification{}, err
	}
	return Verification{Queued: true, Number: counter.ReceiptNumber(out.Seq)}, nil
}
