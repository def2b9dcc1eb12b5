package counter

import (
	"strconv"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// Submission is one transaction handed to the desk's Submit.
type Submission struct {
	Kind     txn.Kind
	Taxpayer *txn.Taxpayer // the identified taxpayer; nil for an anonymous record
	Body     any           // marshalled to JSON unless it already is json.RawMessage
	// At dates the transaction; zero means the desk's clock now. A body priced by the day
	// (a payment's late-payment surcharge) is dated by the instant that priced it.
	At time.Time
	// Amount is what the offline policy counts against its limits.
	Amount money.Amount
	// Always keeps the record whatever the offline policy says (ratings, help calls, audit
	// records, queued checks); the zero value lets the policy decide, as for every service.
	Always bool
	// Check runs under the desk's submission lock just before the commit, so that two taps
	// cannot both pass it (a payment's duplicate check); an error refuses the submission and
	// nothing is accepted. Nil checks nothing.
	Check func() error
	// Receipt lays out the receipt once the hall's answer came or the wait ran out; nil
	// means the record is kept without a receipt, and Submit returns as soon as it is
	// committed.
	Receipt func(t txn.Txn, delivered bool) *escpos.Document
}

// Outcome is what became of a submitted transaction.
type Outcome struct {
	TxnID      string
	Kind       txn.Kind // the service, which is all a rating of the visit may name
	Seq        uint64
	Delivered  bool   // the hall acknowledged it before the receipt printed
	Printed    bool   // the receipt printed in full
	PrintKey   string // why the receipt did not print (a printer.* message key), or ""
	Receipt    string // the receipt as text, for the screen
	AcceptedAt time.Time
	// Owed is what a VAT return with tax payable owes, for the result screen; nil for
	// anything else.
	Owed *Owed
}

// Owed is the tax a filed VAT return owes (the VAT and its surcharges) and how it can be paid.
type Owed struct {
	Amount money.Amount // vatreturn.Return.Total
	Due    string       // the statutory last day, "2026-12-15" (vatreturn.Period.Due)
	// CreditCode is the enterprise that owes it; "" for one's own return, which the kiosk
	// cannot take payment for (payments need an enterprise's tripartite agreement).
	CreditCode string
	// ItemIDs are the outstanding items the hall lists for it, once it does: the payment
	// screens offer them in the same visit. None while the hall has not listed them
	// (offline, or not yet approved).
	ItemIDs []string
}

// Letterhead is what every receipt names: the hall (a technician may rename it while the
// kiosk runs), the kiosk, and the time zone its times are printed in.
type Letterhead struct {
	HallName string
	KioskID  string
	Location *time.Location
}

// Time is t as receipts print it.
func (h Letterhead) Time(t time.Time) string { return t.In(h.Location).Format("2006-01-02 15:04:05") }

// Finish ends every service's receipt the same way: when and where the transaction was
// accepted, its number, whether the hall already has it, the QR code that finds it again, the
// service's own notes, and how to use the receipt.
func (h Letterhead) Finish(doc *escpos.Document, t txn.Txn, delivered bool, T func(string, ...any) string, notes ...string) *escpos.Document {
	status := T("receipt.status.queued")
	if delivered {
		status = T("receipt.status.delivered")
	}
	doc.Separator().
		Pair(T("receipt.time"), h.Time(t.CreatedAt)).
		Pair(T("receipt.kiosk"), h.KioskID).
		Pair(T("receipt.number"), ReceiptNumber(t.Seq)).
		Pair(T("receipt.status"), status).
		QR(txn.ReceiptCode(h.KioskID, t.ID), 0)
	for _, n := range notes {
		doc.Paragraph(n)
	}
	return doc.Paragraph(T("receipt.scan")).
		Paragraph(T("receipt.keep")).
		Feed(2).
		Cut()
}

// ReceiptNumber is the number a taxpayer quotes at a counter: the kiosk's sequence number,
// zero-padded ("00000042"), printed beside the kiosk id.
func ReceiptNumber(seq uint64) string { return txn.ReceiptNumber(seq) }

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

// FindEnterprise finds creditCode among list.
func FindEnterprise(list []hallapi.Enterprise, creditCode string) (hallapi.Enterprise, bool) {
	for _, e := range list {
		if e.CreditCode == creditCode {
			return e, true
		}
	}
	return hallapi.Enterprise{}, false
}

// PeriodText is a tax period as every receipt prints it, in the screens' one form per
// language (ui/kit Period, from the same catalogue keys): 2026年11月 and 2026年第3季度,
// Nov 2026 and 2026 Q3.
func PeriodText(c *i18n.Catalog, l i18n.Lang, p vatreturn.Period) string {
	if p.Type == vatreturn.Quarterly {
		return c.T(l, "period.quarterly", "year", p.Year, "quarter", p.Index)
	}
	return c.T(l, "period.monthly", "year", p.Year, "month", p.Index, "mon", c.T(l, "period.month."+strconv.Itoa(p.Index)))
}

// PeriodCodeText is PeriodText for a period as the hall lists it ("2026-11", "2026-Q3");
// text that reads as no period is printed as it came, not dropped.
func PeriodCodeText(c *i18n.Catalog, l i18n.Lang, code string) string {
	p, ok := vatreturn.ParsePeriod(code)
	if !ok {
		return code
	}
	return PeriodText(c, l, p)
}
