package payment

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/latepay"
	"taxkiosk/kiosk/txn"
)

// Counter is the front desk as payments use it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Enterprises() []hallapi.Enterprise
	CardSession() hallapi.Session
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Letterhead() counter.Letterhead
	Now() time.Time
}

// Records are the transactions accepted at this kiosk (the outbox), where earlier payments
// are found.
type Records interface {
	List(f outbox.Filter) ([]outbox.Record, error)
}

// Window is how far back earlier payments are looked for: the history a returning taxpayer
// sees.
const Window = 30 * 24 * time.Hour

// Service takes tax payments.
type Service struct {
	c   Counter
	rec Records
	cat *i18n.Catalog
	log *slog.Logger
}

// New is the payment service over counter c and the kiosk's records; cat holds the
// receipts' texts; a nil log means slog.Default().
func New(c Counter, rec Records, cat *i18n.Catalog, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{c: c, rec: rec, cat: cat, log: log}
}

// Item is one outstanding tax as the payment screen offers it, priced as paid now: an
// overdue item carries its days late and its late-payment surcharge.
type Item struct {
	latepay.Line
	// Submitted: the item is in a payment accepted at this kiosk that the hall has not
	// refused (waiting for it, or approved). It is shown, not offered: a second payment
	// could debit the account twice.
	Submitted bool
}

// Items lists the outstanding taxes of enterprise creditCode, one the current taxpayer acts
// for, oldest due first as the hall lists them.
func (s *Service) Items(creditCode string) []Item {
	e, ok := counter.FindEnterprise(s.c.Enterprises(), creditCode)
	if !ok {
		return nil
	}
	paying := s.payments(e.CreditCode)
	now := s.c.Now()
	out := make([]Item, 0, len(e.Outstanding))
	for _, it := range e.Outstanding {
		_, sub := paying[it.ID]
		l, err := latepay.Price(it, now)
		if err != nil {
			s.log.Warn("payment: outstanding item with an unreadable due date", "item", it.ID, "err", err)
			continue // the hall would refuse to price it too
		}
		out = append(out, Item{Line: l, Submitted: sub})
	}
	return out
}

// payments maps the items of enterprise creditCode that are in a payment accepted here,
// within Window, to the state of that payment, leaving out payments the hall refused (the
// items are still owed).
func (s *Service) payments(creditCode string) map[string]txn.State {
	recs, err := s.rec.List(outbox.Filter{Since: s.c.Now().Add(-Window)})
	if err != nil {
		s.log.Warn("payment: earlier payments not read", "err", err)
		return nil
	}
	out := map[string]txn.State{}
	for _, r := range recs {
		if r.Txn.Kind != txn.KindTaxPayment || r.State == txn.Rejected || r.State == txn.CounterVisit {
			continue
		}
		var b hallapi.TaxPaymentBody
		if json.Unmarshal(r.Txn.Body, &b) != nil || b.CreditCode != creditCode {
			continue
		}
		for _, id := range b.Items {
			if st, seen := out[id]; !seen || st != txn.Approved {
				out[id] = r.State
			}
		}
	}
	return out
}

// Bill prices the named outstanding items of e as paid at at: their taxes and the
// late-payment surcharges of the overdue ones, exactly as the hall checks them (package
// latepay); ok is false when an item is not outstanding, is named twice or has no readable
// due date.
func Bill(e hallapi.Enterprise, itemIDs []string, at time.Time) (bill latepay.Bill, ok bool) {
	b, err := latepay.Pay(e.Outstanding, itemIDs, at)
	return b, err == nil
}

// Pay accepts a payment of the outstanding items itemIDs of enterprise creditCode through its
// tripartite agreement: commit, wait briefly for the hall, print the receipt. An error means
// nothing was accepted.
func (s *Service) Pay(ctx context.Context, creditCode string, itemIDs []string, lang i18n.Lang) (counter.Outcome, error) {
	tp, ok := s.c.Taxpayer()
	if !ok {
		return counter.Outcome{}, counter.ErrNoSession
	}
	e, ok := counter.FindEnterprise(s.c.Enterprises(), creditCode)
	if !ok {
		return counter.Outcome{}, ErrEnterprise
	}
	if e.Agreement == nil {
		return counter.Outcome{}, ErrNoAgreement
	}
	if len(itemIDs) == 0 {
		return counter.Outcome{}, ErrNoItems
	}
	// One instant prices the items and dates the transaction, which the hall prices by.
	at := s.c.Now()
	bill, ok := Bill(e, itemIDs, at)
	if !ok {
		return counter.Outcome{}, ErrNotOutstanding
	}
	items := append([]string(nil), itemIDs...)
	sess := s.c.CardSession() // the hall pays only within the card session that asked
	body := hallapi.TaxPaymentBody{CreditCode: e.CreditCode, Items: items, Total: bill.Total(), Surcharge: bill.Surcharge, Session: &sess}
	head := s.c.Letterhead()
	return s.c.Submit(ctx, counter.Submission{Kind: txn.KindTaxPayment, Taxpayer: tp, Body: body, At: at, Amount: bill.Total(),
		Check: func() error { return s.notPaying(e.CreditCode, items) },
		Receipt: func(t txn.Txn, delivered bool) *escpos.Document {
			return receipt(s.cat, lang, head, t, e, bill, tp, delivered)
		}})
}

// notPaying refuses items already in a payment accepted here that the hall has not refused.
// It runs under the desk's submission lock, from the check to the commit.
func (s *Service) notPaying(creditCode string, itemIDs []string) error {
	paying := s.payments(creditCode)
	for _, id := range itemIDs {
		switch st, in := paying[id]; {
		case in && st == txn.Approved:
			return ErrAlreadyPaid
		case in:
			return ErrPending
		}
	}
	return nil
}

// receipt lays out the receipt of a payment: what was paid from which account. The kiosk
// instructs the debit; the bank's result reaches the taxpayer later, by the receipt's QR code
// or the hall, so the receipt does not call the taxes paid.
func receipt(c *i18n.Catalog, l i18n.Lang, head counter.Letterhead, t txn.Txn, e hallapi.Enterprise, bill latepay.Bill, tp *txn.Taxpayer, delivered bool) *escpos.Document {
	T := func(k string, kv ...any) string { return c.T(l, k, kv...) }
	yuan := func(a interface{ String() string }) string { return T("vat.yuan", "amount", a.String()) }
	doc := &escpos.Document{}
	doc.Title(T("pay.receipt.title")).
		Paragraph(head.HallName).
		Separator().
		Pair(T("receipt.service"), T("service.pay.title")).
		Pair(T("invoice.receipt.enterprise"), counter.EnterpriseName(e, l)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("receipt.taxpayer"), mask.Name(tp.Name)).
		Pair(T("receipt.id"), mask.ID(tp.IDNumber)).
		Separator()
	for _, it := range bill.Lines {
		doc.Pair(counter.TextIn(it.Name, l)+" "+counter.PeriodCodeText(c, l, it.Period), yuan(it.Amount))
		if it.Overdue() {
			doc.Pair(T("pay.receipt.surcharge_line", "name", counter.TextIn(it.Name, l), "days", it.DaysLate), yuan(it.Surcharge))
		}
	}
	if bill.Surcharge > 0 {
		doc.Pair(T("pay.receipt.tax"), yuan(bill.Tax)).
			Pair(T("pay.receipt.surcharge"), yuan(bill.Surcharge))
	}
	doc.Amount(T("pay.receipt.total"), yuan(bill.Total())).
		Pair(T("pay.receipt.bank"), counter.TextIn(e.Agreement.Bank, l)).
		Pair(T("pay.receipt.account"), e.Agreement.Account). // masked by the hall
		Pair(T("pay.receipt.agreement"), e.Agreement.ID)
	return head.Finish(doc, t, delivered, T, T("pay.receipt.note"))
}
