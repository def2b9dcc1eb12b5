package desk

import (
	"strings"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// receiptDesk is a desk that can lay out receipts: a catalogue, a clock, a kiosk id.
func receiptDesk(t *testing.T) *Desk {
	t.Helper()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	return New(nil, nil, nil, nil, Opts{KioskID: "K-TEST", HallName: "卫东区办税服务厅", Catalog: cat,
		Now: func() time.Time { return now }, Location: time.UTC})
}

// fields reads a receipt's label/value pairs as printed, failing on a label printed twice:
// a legal receipt names each figure once.
func fields(t *testing.T, doc *escpos.Document) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range doc.Blocks {
		if b.Kind != escpos.KindPair && b.Kind != escpos.KindAmount {
			continue
		}
		if _, dup := out[b.Text]; dup {
			t.Errorf("%q printed twice", b.Text)
		}
		out[b.Text] = b.Value
	}
	return out
}

// expect checks that a receipt prints exactly want for each label (labels by catalogue key).
func expect(t *testing.T, d *Desk, l i18n.Lang, got map[string]string, want map[string]string) {
	t.Helper()
	for key, v := range want {
		label := d.opts.Catalog.T(l, key)
		if got[label] != v {
			t.Errorf("%s: %s (%s) = %q, want %q", l, label, key, got[label], v)
		}
	}
}

func demoEnterprise(t *testing.T, code string) hallapi.Enterprise {
	t.Helper()
	e, ok := registry.Demo().Enterprise(code)
	if !ok {
		t.Fatalf("%s not in the demo registry", code)
	}
	return e
}

var receiptTaxpayer = &txn.Taxpayer{Name: "张建国", IDNumber: "410403196804153016"}

// TestVATReceiptEqualsForm: every figure of the VAT receipt is the confirmed form's own
// line, for a return under the threshold (the 600 yuan return, where the exempt sales
// were once printed as 600.00), one over it, and a zero return.
func TestVATReceiptEqualsForm(t *testing.T) {
	d := receiptDesk(t)
	nov := vatreturn.Period{Type: vatreturn.Monthly, Year: 2026, Index: 11}
	for _, c := range []struct {
		name          string
		sales, exempt money.Amount
	}{
		{"under the threshold", money.Yuan(600), 0},
		{"with other exempt sales", money.Yuan(600), money.Yuan(50)},
		{"over the threshold", money.Yuan(160000), money.Yuan(1000)}, // surcharges 56.00, 24.00, 16.00
		{"zero return", 0, 0},
	} {
		r := vatreturn.Return{Period: nov, Filer: vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: registry.JianguoHardware},
			Sales: c.sales, ExemptSales: c.exempt}
		if err := r.Compute(vatreturn.RulesFor(d.opts.VATRules, nov)); err != nil {
			t.Fatal(err)
		}
		for _, l := range i18n.Langs {
			tx := txn.Txn{ID: "t1", Seq: 42, CreatedAt: d.opts.Now()}
			got := fields(t, d.vatReceipt(tx, r, receiptTaxpayer, true, l))
			yuan := func(a money.Amount) string { return d.opts.Catalog.T(l, "vat.yuan", "amount", a.String()) }
			want := map[string]string{
				"receipt.period":   PeriodText(d.opts.Catalog, l, nov),
				"receipt.filer":    registry.JianguoHardware,
				"receipt.tax":      yuan(r.TaxPayable),
				"receipt.taxpayer": txn.MaskName(receiptTaxpayer.Name),
				"receipt.id":       txn.MaskID(receiptTaxpayer.IDNumber),
				"receipt.number":   "00000042",
				"receipt.kiosk":    "K-TEST",
			}
			if !r.Zero {
				want["receipt.sales"] = yuan(r.Sales)
				want["receipt.exempt"] = yuan(r.ExemptSales)
				want["vat.small_exempt"] = yuan(r.SmallExempt)
				want["vat.rate"] = d.opts.Catalog.T(l, "vat.rate.value", "rate", vatreturn.RateText(r.RateBP))
				want["vat.education"] = yuan(r.EducationSurcharge)
				want["vat.local_education"] = yuan(r.LocalEducationSurcharge)
				want["vat.total"] = yuan(r.Total())
				urban := d.opts.Catalog.T(l, "vat.urban", "rate", "7")
				if got[urban] != yuan(r.UrbanTax) {
					t.Errorf("%s %s: %s = %q, want %q", c.name, l, urban, got[urban], yuan(r.UrbanTax))
				}
			}
			t.Run(c.name+"/"+string(l), func(t *testing.T) { expect(t, d, l, got, want) })
		}
	}
}

// TestPaymentReceiptFigures: each paid item with its amount and, overdue, its surcharge;
// the taxes, the surcharges and the total their sums; the agreement it was debited through.
// Paid 2026-12-05, the items due 2026-10-23 are 43 days late: 3,150.00 bears 67.73 and
// 220.50 bears 4.74 (package latepay, worked by hand there).
func TestPaymentReceiptFigures(t *testing.T) {
	d := receiptDesk(t)
	e := demoEnterprise(t, registry.JianguoHardware)
	ids := []string{e.Outstanding[0].ID, e.Outstanding[1].ID, e.Outstanding[3].ID}
	bill, ok := PaymentBill(e, ids, d.opts.Now())
	if !ok {
		t.Fatal("demo items not outstanding")
	}
	for _, l := range i18n.Langs {
		tx := txn.Txn{ID: "t2", Seq: 7, CreatedAt: d.opts.Now()}
		got := fields(t, d.paymentReceipt(tx, e, bill, receiptTaxpayer, true, l))
		T := func(k string, kv ...any) string { return d.opts.Catalog.T(l, k, kv...) }
		yuan := func(s string) string { return T("vat.yuan", "amount", s) }
		for _, c := range []struct {
			item            hallapi.TaxItem
			amount, charged string
		}{
			{e.Outstanding[0], "3150.00", "67.73"},
			{e.Outstanding[1], "220.50", "4.74"},
			{e.Outstanding[3], "37.80", ""}, // due 2026-12-15: not overdue
		} {
			if label := TextIn(c.item.Name, l) + " " + c.item.Period; got[label] != yuan(c.amount) {
				t.Errorf("%s: %s = %q, want %q", l, label, got[label], yuan(c.amount))
			}
			label := T("pay.receipt.surcharge_line", "name", TextIn(c.item.Name, l), "days", 43)
			if c.charged == "" {
				label = T("pay.receipt.surcharge_line", "name", TextIn(c.item.Name, l), "days", 0)
			}
			if want := map[bool]string{true: yuan(c.charged), false: ""}[c.charged != ""]; got[label] != want {
				t.Errorf("%s: %s = %q, want %q", l, label, got[label], want)
			}
		}
		expect(t, d, l, got, map[string]string{
			"pay.receipt.tax":       yuan("3408.30"),
			"pay.receipt.surcharge": yuan("72.47"),
			"pay.receipt.total":     yuan("3480.77"),
			"pay.receipt.account":   e.Agreement.Account,
			"pay.receipt.agreement": e.Agreement.ID,
			"receipt.filer":         e.CreditCode,
			"receipt.number":        "00000007",
		})
	}
}

// TestInvoiceReceiptFigures: the type and quantity applied for.
func TestInvoiceReceiptFigures(t *testing.T) {
	d := receiptDesk(t)
	e := demoEnterprise(t, registry.JianguoHardware)
	ap := e.Approvals[0]
	for _, l := range i18n.Langs {
		tx := txn.Txn{ID: "t3", Seq: 8, CreatedAt: d.opts.Now()}
		got := fields(t, d.invoiceReceipt(tx, e, ap, 12, receiptTaxpayer, false, l))
		expect(t, d, l, got, map[string]string{
			"invoice.receipt.type":     TextIn(ap.Name, l),
			"invoice.receipt.quantity": d.opts.Catalog.T(l, "invoice.quantity.value", "n", 12),
			"receipt.filer":            e.CreditCode,
			"receipt.status":           d.opts.Catalog.T(l, "receipt.status.queued"),
		})
	}
}

// TestCertificateAndTicketFigures: the certificate's amount, period and date as the hall
// listed them; the ticket's number and the people waiting.
func TestCertificateAndTicketFigures(t *testing.T) {
	d := receiptDesk(t)
	e := demoEnterprise(t, registry.JianguoHardware)
	c := e.Certificates[0]
	for _, l := range i18n.Langs {
		got := fields(t, d.certificateReceipt(txn.Txn{ID: "t4", CreatedAt: d.opts.Now()}, c, e, l))
		expect(t, d, l, got, map[string]string{
			"cert.amount":    d.opts.Catalog.T(l, "vat.yuan", "amount", c.Amount.String()),
			"cert.tax_kind":  TextIn(c.Name, l),
			"receipt.period": c.Period,
			"cert.paid_on":   c.PaidOn,
			"cert.number":    c.ID,
		})
		doc := d.ticketReceipt(hallapi.Ticket{Business: hallapi.BusinessFiling, Number: "A017", Waiting: 3}, hallapi.BusinessFiling, l)
		expect(t, d, l, fields(t, doc), map[string]string{
			"ticket.waiting": d.opts.Catalog.T(l, "ticket.waiting.value", "n", 3),
		})
		if !strings.Contains(doc.Text(escpos.Columns80), "A017") {
			t.Errorf("%s: ticket without its number", l)
		}
	}
}
