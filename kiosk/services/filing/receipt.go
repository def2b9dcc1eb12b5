package filing

import (
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// receipt lays out the receipt of an accepted VAT return. It shows the taxpayer masked:
// a receipt left on the counter must not give a stranger a name and an ID number.
func receipt(c *i18n.Catalog, l i18n.Lang, head counter.Letterhead, t txn.Txn, r vatreturn.Return, tp *txn.Taxpayer, delivered bool) *escpos.Document {
	T := func(k string, kv ...any) string { return c.T(l, k, kv...) }
	service := T("receipt.service.vat")
	if r.Zero {
		service = T("receipt.service.vat_zero")
	}
	doc := &escpos.Document{}
	doc.Title(T("receipt.title")).
		Paragraph(head.HallName).
		Separator().
		Pair(T("receipt.service"), service).
		Pair(T("receipt.period"), counter.PeriodText(c, l, r.Period)).
		Pair(T("receipt.taxpayer"), mask.Name(tp.Name)).
		Pair(T("receipt.id"), mask.ID(tp.IDNumber))
	if r.Filer.Kind == vatreturn.FilerEnterprise {
		doc.Pair(T("receipt.filer"), r.Filer.CreditCode) // an enterprise's code is public
	}
	// The lines of the confirmed form, each as the form showed it: small-business exempt
	// sales are part of the taxable sales, so they are never added to the other exempt sales.
	if !r.Zero {
		doc.Pair(T("receipt.sales"), T("vat.yuan", "amount", r.Sales.String())).
			Pair(T("receipt.exempt"), T("vat.yuan", "amount", r.ExemptSales.String())).
			Pair(T("vat.small_exempt"), T("vat.yuan", "amount", r.SmallExempt.String())).
			Pair(T("vat.rate"), T("vat.rate.value", "rate", vatreturn.RateText(r.RateBP)))
	}
	doc.Amount(T("receipt.tax"), T("vat.yuan", "amount", r.TaxPayable.String()))
	if !r.Zero {
		yuan := func(a money.Amount) string { return T("vat.yuan", "amount", a.String()) }
		doc.Pair(T("vat.urban", "rate", vatreturn.RateText(r.UrbanRateBP)), yuan(r.UrbanTax)).
			Pair(T("vat.education"), yuan(r.EducationSurcharge)).
			Pair(T("vat.local_education"), yuan(r.LocalEducationSurcharge))
		if r.SurchargeReliefPct > 0 {
			doc.Paragraph(T("vat.relief_note", "pct", r.SurchargeReliefPct))
		}
		doc.Amount(T("vat.total"), yuan(r.Total()))
	}
	return head.Finish(doc, t, delivered, T)
}
