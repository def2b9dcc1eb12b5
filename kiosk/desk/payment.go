package desk

import (
	"context"
	"encoding/json"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/latepay"
	"taxkiosk/kiosk/txn"
)

// PayableItem is one outstanding tax as the payment screen offers it, priced as paid now:
// an overdue item carries its days late and its late-payment surcharge.
type PayableItem struct {
	latepay.Line
	// Submitted: the item is in a payment accepted at this kiosk that the hall has not
	// refused (waiting for it, or approved). It is shown, not offered: a second payment
	// could debit the account twice.
	Submitted bool
}

// PayableItems lists the outstanding taxes of enterprise creditCode, one the current taxpayer
// acts for, oldest due first as the hall lists them.
func (d *Desk) PayableItems(creditCode string) []PayableItem {
	e, ok := d.enterprise(creditCode)
	if !ok {
		return nil
	}
	paying := d.payments(e.CreditCode)
	now := d.opts.Now()
	out := make([]PayableItem, 0, len(e.Outstanding))
	for _, it := range e.Outstanding {
		_, sub := paying[it.ID]
		l, err := latepay.Price(it, now)
		if err != nil {
			d.log.Warn("desk: outstanding item with an unreadable due date", "item", it.ID, "err", err)
			continue // the hall would refuse to price it too
		}
		out = append(out, PayableItem{Line: l, Submitted: sub})
	}
	return out
}

// payments maps the items of enterprise creditCode that are in a payment accepted here,
// within the history window, to the state of that payment, leaving out payments the hall
// refused (the items are still owed). It reads the outbox, not the session, so that a
// payment waiting for the hall also stops another person acting for the same enterprise,
// or the same person after a new session, from paying it again.
func (d *Desk) payments(creditCode string) map[string]txn.State {
	recs, err := d.outbox.List(outbox.Filter{Since: d.opts.Now().Add(-historyWindow)})
	if err != nil {
		d.log.Warn("desk: payments not read", "err", err)
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
			if s, seen := out[id]; !seen || s != txn.Approved {
				out[id] = r.State
			}
		}
	}
	return out
}

// PaymentBill prices the named outstanding items of e as paid at at: their taxes and the
// late-payment surcharges of the overdue ones, exactly as the hall checks them (package
// latepay); ok is false when an item is not outstanding, is named twice or has no readable
// due date.
func PaymentBill(e hallapi.Enterprise, itemIDs []string, at time.Time) (bill latepay.Bill, ok bool) {
	b, err := latepay.Pay(e.Outstanding, itemIDs, at)
	return b, err == nil
}

// PayTaxes accepts a payment of the outstanding items itemIDs of enterprise creditCode
// through its tripartite agreement: commit, wait briefly for the hall, print the receipt.
// The transaction's id is the key the hall's ledger pays by, so a retry of the same
// transaction never pays twice; a new PayTaxes naming an item already in a payment here that
// the hall has not refused is itself refused (ErrPaymentPending, ErrAlreadyPaid). An error
// means nothing was accepted.
func (d *Desk) PayTaxes(ctx context.Context, creditCode string, itemIDs []string, lang i18n.Lang) (Outcome, error) {
	// Held from the duplicate check to the commit, so that two taps cannot both pass it.
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	tp, e, err := d.actingFor(creditCode, ErrPayEnterprise)
	if err != nil {
		return Outcome{}, err
	}
	if e.Agreement == nil {
		return Outcome{}, ErrNoAgreement
	}
	if len(itemIDs) == 0 {
		return Outcome{}, ErrNoItems
	}
	// One instant prices the items and dates the transaction, which the hall prices by.
	at := d.opts.Now()
	bill, ok := PaymentBill(e, itemIDs, at)
	if !ok {
		return Outcome{}, ErrNotOutstanding
	}
	paying := d.payments(e.CreditCode)
	for _, id := range itemIDs {
		switch s, in := paying[id]; {
		case in && s == txn.Approved:
			return Outcome{}, ErrAlreadyPaid
		case in:
			return Outcome{}, ErrPaymentPending
		}
	}
	if dec := d.policyCheck(ServicePayment, bill.Total()); !dec.Allowed {
		return Outcome{}, &RefusedError{ReasonKey: dec.ReasonKey}
	}
	items := append([]string(nil), itemIDs...)
	sess := d.ents.cardSession() // the hall pays only within the card session that asked
	body := hallapi.TaxPaymentBody{CreditCode: e.CreditCode, Items: items, Total: bill.Total(), Surcharge: bill.Surcharge, Session: &sess}
	return d.submitAt(ctx, at, txn.KindTaxPayment, tp, body, func(t txn.Txn, delivered bool) *escpos.Document {
		return d.paymentReceipt(t, e, bill, tp, delivered, lang)
	})
}

// paymentReceipt lays out the receipt of a payment: what was paid from which account. The
// kiosk instructs the debit; the bank's result reaches the taxpayer later, by the receipt's
// QR code or the hall, so the receipt does not call the taxes paid.
func (d *Desk) paymentReceipt(t txn.Txn, e hallapi.Enterprise, bill latepay.Bill, tp *txn.Taxpayer, delivered bool, l i18n.Lang) *escpos.Document {
	T := func(k string, kv ...any) string { return d.opts.Catalog.T(l, k, kv...) }
	yuan := func(a money.Amount) string { return T("vat.yuan", "amount", a.String()) }
	doc := &escpos.Document{}
	doc.Title(T("pay.receipt.title")).
		Paragraph(d.hallName()).
		Separator().
		Pair(T("receipt.service"), T("service.pay.title")).
		Pair(T("invoice.receipt.enterprise"), EnterpriseName(e, l)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("receipt.taxpayer"), txn.MaskName(tp.Name)).
		Pair(T("receipt.id"), txn.MaskID(tp.IDNumber)).
		Separator()
	for _, it := range bill.Lines {
		doc.Pair(TextIn(it.Name, l)+" "+it.Period, yuan(it.Amount))
		if it.Overdue() {
			doc.Pair(T("pay.receipt.surcharge_line", "name", TextIn(it.Name, l), "days", it.DaysLate), yuan(it.Surcharge))
		}
	}
	if bill.Surcharge > 0 {
		doc.Pair(T("pay.receipt.tax"), yuan(bill.Tax)).
			Pair(T("pay.receipt.surcharge"), yuan(bill.Surcharge))
	}
	doc.Amount(T("pay.receipt.total"), yuan(bill.Total())).
		Pair(T("pay.receipt.bank"), TextIn(e.Agreement.Bank, l)).
		Pair(T("pay.receipt.account"), e.Agreement.Account). // masked by the hall
		Pair(T("pay.receipt.agreement"), e.Agreement.ID)
	return d.finishReceipt(doc, t, delivered, T, T("pay.receipt.note"))
}
