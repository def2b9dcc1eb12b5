package invoice

import (
	"context"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Counter is the front desk as invoice collection uses it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Enterprises() []hallapi.Enterprise
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Letterhead() counter.Letterhead
}

// Service takes invoice collection applications.
type Service struct {
	c   Counter
	cat *i18n.Catalog
}

// New is the invoice collection service over counter c; cat holds the receipts' texts.
func New(c Counter, cat *i18n.Catalog) *Service { return &Service{c: c, cat: cat} }

// Approval finds the enterprise's approval of invoice type typeCode.
func Approval(e hallapi.Enterprise, typeCode string) (hallapi.InvoiceApproval, bool) {
	for _, a := range e.Approvals {
		if a.TypeCode == typeCode {
			return a, true
		}
	}
	return hallapi.InvoiceApproval{}, false
}

// Collect accepts an application to collect qty paper invoices of type typeCode for
// enterprise creditCode, one the current taxpayer acts for: commit, wait briefly for the hall,
// print the application's receipt. Offline, the policy decides. An error means nothing was
// accepted.
func (s *Service) Collect(ctx context.Context, creditCode, typeCode string, qty int, lang i18n.Lang) (counter.Outcome, error) {
	tp, ok := s.c.Taxpayer()
	if !ok {
		return counter.Outcome{}, counter.ErrNoSession
	}
	e, ok := counter.FindEnterprise(s.c.Enterprises(), creditCode)
	if !ok {
		return counter.Outcome{}, ErrEnterprise
	}
	ap, ok := Approval(e, typeCode)
	if !ok {
		return counter.Outcome{}, ErrTypeNotApproved
	}
	if qty < 1 || qty > ap.MaxPerCollection {
		return counter.Outcome{}, ErrQuantity
	}
	head := s.c.Letterhead()
	body := hallapi.InvoiceCollectionBody{CreditCode: e.CreditCode, TypeCode: typeCode, Quantity: qty}
	return s.c.Submit(ctx, counter.Submission{Kind: txn.KindInvoiceCollection, Taxpayer: tp, Body: body,
		Receipt: func(t txn.Txn, delivered bool) *escpos.Document {
			return receipt(s.cat, lang, head, t, e, ap, qty, tp, delivered)
		}})
}

// receipt lays out the receipt of an invoice collection application. The invoices
// themselves are handed over at the counter: the receipt says so, and that offline the
// hall's approval comes later.
func receipt(c *i18n.Catalog, l i18n.Lang, head counter.Letterhead, t txn.Txn, e hallapi.Enterprise, ap hallapi.InvoiceApproval, qty int, tp *txn.Taxpayer, delivered bool) *escpos.Document {
	T := func(k string, kv ...any) string { return c.T(l, k, kv...) }
	note := T("invoice.receipt.note_queued")
	if delivered {
		note = T("invoice.receipt.note_delivered")
	}
	doc := &escpos.Document{}
	doc.Title(T("invoice.receipt.title")).
		Paragraph(head.HallName).
		Separator().
		Pair(T("receipt.service"), T("service.invoice.title")).
		Pair(T("invoice.receipt.enterprise"), counter.EnterpriseName(e, l)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("invoice.receipt.type"), counter.TextIn(ap.Name, l)).
		Pair(T("invoice.receipt.quantity"), T("invoice.quantity.value", "n", qty)).
		Pair(T("receipt.taxpayer"), mask.Name(tp.Name)).
		Pair(T("receipt.id"), mask.ID(tp.IDNumber))
	return head.Finish(doc, t, delivered, T, note)
}
