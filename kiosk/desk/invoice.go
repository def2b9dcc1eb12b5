package desk

import (
	"context"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/txn"
)

// enterprise finds creditCode among the enterprises the current taxpayer acts for.
// actingFor returns the identified taxpayer and enterprise creditCode, which must be one
// they act for; notTheirs is the refusal otherwise.
func (d *Desk) actingFor(creditCode string, notTheirs error) (*txn.Taxpayer, hallapi.Enterprise, error) {
	tp, ok := d.sess.Taxpayer()
	if !ok {
		return nil, hallapi.Enterprise{}, ErrNoSession
	}
	e, ok := d.enterprise(creditCode)
	if !ok {
		return nil, hallapi.Enterprise{}, notTheirs
	}
	return tp, e, nil
}

func (d *Desk) enterprise(creditCode string) (hallapi.Enterprise, bool) {
	for _, e := range d.Enterprises() {
		if e.CreditCode == creditCode {
			return e, true
		}
	}
	return hallapi.Enterprise{}, false
}

// Approval finds the enterprise's approval of invoice type typeCode.
func Approval(e hallapi.Enterprise, typeCode string) (hallapi.InvoiceApproval, bool) {
	for _, a := range e.Approvals {
		if a.TypeCode == typeCode {
			return a, true
		}
	}
	return hallapi.InvoiceApproval{}, false
}

// CollectInvoices accepts an application to collect qty paper invoices of type typeCode for
// enterprise creditCode, one the current taxpayer acts for: commit, wait briefly for the hall,
// print the application's receipt. Offline, the policy decides; the hall's answer comes later
// and the taxpayer collects the invoices at the counter once approved. An error means
// nothing was accepted.
func (d *Desk) CollectInvoices(ctx context.Context, creditCode, typeCode string, qty int, lang i18n.Lang) (Outcome, error) {
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	tp, e, err := d.actingFor(creditCode, ErrInvoiceEnterprise)
	if err != nil {
		return Outcome{}, err
	}
	ap, ok := Approval(e, typeCode)
	if !ok {
		return Outcome{}, ErrTypeNotApproved
	}
	if qty < 1 || qty > ap.MaxPerCollection {
		return Outcome{}, ErrQuantity
	}
	if dec := d.policyCheck(ServiceInvoice, 0); !dec.Allowed {
		return Outcome{}, &RefusedError{ReasonKey: dec.ReasonKey}
	}
	body := hallapi.InvoiceCollectionBody{CreditCode: e.CreditCode, TypeCode: typeCode, Quantity: qty}
	return d.submit(ctx, txn.KindInvoiceCollection, tp, body, func(t txn.Txn, delivered bool) *escpos.Document {
		return d.invoiceReceipt(t, e, ap, qty, tp, delivered, lang)
	})
}

// invoiceReceipt lays out the receipt of an invoice collection application. The invoices
// themselves are handed over at the counter: the receipt says so, and that offline the
// hall's approval comes later.
func (d *Desk) invoiceReceipt(t txn.Txn, e hallapi.Enterprise, ap hallapi.InvoiceApproval, qty int, tp *txn.Taxpayer, delivered bool, l i18n.Lang) *escpos.Document {
	T := func(k string, kv ...any) string { return d.opts.Catalog.T(l, k, kv...) }
	note := T("invoice.receipt.note_queued")
	if delivered {
		note = T("invoice.receipt.note_delivered")
	}
	doc := &escpos.Document{}
	doc.Title(T("invoice.receipt.title")).
		Paragraph(d.hallName()).
		Separator().
		Pair(T("receipt.service"), T("service.invoice.title")).
		Pair(T("invoice.receipt.enterprise"), EnterpriseName(e, l)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("invoice.receipt.type"), TextIn(ap.Name, l)).
		Pair(T("invoice.receipt.quantity"), T("invoice.quantity.value", "n", qty)).
		Pair(T("receipt.taxpayer"), txn.MaskName(tp.Name)).
		Pair(T("receipt.id"), txn.MaskID(tp.IDNumber))
	return d.finishReceipt(doc, t, delivered, T, note)
}

// EnterpriseName is the enterprise's name in language l: the registered Chinese name, or its
// English name where the hall has one.
func EnterpriseName(e hallapi.Enterprise, l i18n.Lang) string {
	if l != i18n.ZH && e.NameEN != "" {
		return e.NameEN
	}
	return e.Name
}

// TextIn is the hall's bilingual text in language l.
func TextIn(t hallapi.Text, l i18n.Lang) string {
	if l != i18n.ZH && t.EN != "" {
		return t.EN
	}
	return t.ZH
}
