package filing

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

var (
	nov = vatreturn.Period{Type: vatreturn.Monthly, Year: 2026, Index: 11}
	q3  = vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
)

// periodWritten is how receipts write the periods, as the screens do (issue 12: English
// receipts printed 11/2026 and Q3 2026).
var periodWritten = map[vatreturn.Period]map[i18n.Lang]string{
	nov: {i18n.ZH: "2026年11月", i18n.EN: "Nov 2026"},
	q3:  {i18n.ZH: "2026年第3季度", i18n.EN: "2026 Q3"},
}

// TestReceiptEqualsForm: every figure of the VAT receipt is the confirmed form's own line,
// for a return under the threshold (the 600 yuan return whose exempt sales were once printed
// as 600.00), one over it, and a zero return.
func TestReceiptEqualsForm(t *testing.T) {
	t.Parallel()
	cat := countertest.Catalog(t)
	for _, c := range []struct {
		name          string
		sales, exempt money.Amount
		period        vatreturn.Period
	}{
		{"under the threshold", money.Yuan(600), 0, nov},
		{"with other exempt sales", money.Yuan(600), money.Yuan(50), nov},
		{"over the threshold", money.Yuan(160000), money.Yuan(1000), nov}, // surcharges 56.00, 24.00, 16.00
		{"zero return", 0, 0, nov},
		{"quarterly", money.Yuan(600), 0, q3},
	} {
		for _, l := range i18n.Langs {
			f := countertest.New(t)
			s := New(f, Opts{Catalog: cat})
			r := vatreturn.Return{Period: c.period, Filer: vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: registry.JianguoHardware},
				Sales: c.sales, ExemptSales: c.exempt}
			if _, err := s.Submit(context.Background(), r, l); err != nil {
				t.Fatal(err)
			}
			r, _ = s.Compute(r)
			a := f.Accepted[0]
			got := countertest.Fields(t, a.Receipt)
			yuan := func(x money.Amount) string { return cat.T(l, "vat.yuan", "amount", x.String()) }
			want := map[string]string{
				"receipt.period":   periodWritten[c.period][l],
				"receipt.filer":    registry.JianguoHardware,
				"receipt.tax":      yuan(r.TaxPayable),
				"receipt.taxpayer": mask.Name(countertest.Taxpayer.Name),
				"receipt.id":       mask.ID(countertest.Taxpayer.IDNumber),
				"receipt.number":   counter.ReceiptNumber(a.Txn.Seq),
				"receipt.kiosk":    "K-TEST",
			}
			if !r.Zero {
				want["receipt.sales"] = yuan(r.Sales)
				want["receipt.exempt"] = yuan(r.ExemptSales)
				want["vat.small_exempt"] = yuan(r.SmallExempt)
				want["vat.rate"] = cat.T(l, "vat.rate.value", "rate", vatreturn.RateText(r.RateBP))
				want["vat.education"] = yuan(r.EducationSurcharge)
				want["vat.local_education"] = yuan(r.LocalEducationSurcharge)
				want["vat.total"] = yuan(r.Total())
				urban := cat.T(l, "vat.urban", "rate", "7")
				if got[urban] != yuan(r.UrbanTax) {
					t.Errorf("%s %s: %s = %q, want %q", c.name, l, urban, got[urban], yuan(r.UrbanTax))
				}
			}
			t.Run(c.name+"/"+string(l), func(t *testing.T) { countertest.Expect(t, cat, l, got, want) })
		}
	}
}

// TestSubmitHandsInTheComputedReturn: the counter receives the return computed under its
// period's rules, the tax payable as the amount the offline policy counts, and nothing
// without a session or when the policy refuses.
func TestSubmitHandsInTheComputedReturn(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	s := New(f, Opts{Catalog: countertest.Catalog(t)})
	r := vatreturn.Return{Period: nov, Sales: money.Yuan(160000)}
	out, err := s.Submit(context.Background(), r, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Accepted[0]
	want, _ := s.Compute(r)
	want.Filer.Kind = vatreturn.FilerSelf // a return without a filer is one's own
	if a.Txn.Kind != txn.KindVATReturn || a.Amount != want.TaxPayable || want.TaxPayable <= 0 || string(a.Txn.Body) != string(want.Body()) {
		t.Fatalf("handed in %+v (amount %d), want the computed return with %s payable", a.Txn, a.Amount, want.TaxPayable)
	}
	if out.Owed == nil || out.Owed.Amount != want.Total() || out.Owed.Due != "2026-12-15" || out.Owed.ItemIDs != nil {
		t.Fatalf("owed %+v, want %s due 2026-12-15 and no items for one's own return", out.Owed, want.Total())
	}

	f.Refuse = "policy.online_only"
	if _, err := s.Submit(context.Background(), r, i18n.ZH); counter.MessageKey(err) != "policy.online_only" {
		t.Fatalf("refused by the policy: %v", err)
	}
	f.Refuse, f.Person = "", nil
	if _, err := s.Submit(context.Background(), r, i18n.ZH); !errors.Is(err, counter.ErrNoSession) {
		t.Fatalf("without a session: %v", err)
	}
	if len(f.Accepted) != 1 {
		t.Fatalf("%d accepted, want only the first", len(f.Accepted))
	}
}

// TestOwedItemsOnlyWhenTheHallListsThem: an enterprise's return the hall has acknowledged
// owes the items the hall then lists for it; queued, or with the hall not answering the
// second look, it owes no items (the payment screens must not offer what is not listed).
func TestOwedItemsOnlyWhenTheHallListsThem(t *testing.T) {
	t.Parallel()
	r := vatreturn.Return{Period: nov, Filer: vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: registry.JianguoHardware}, Sales: money.Yuan(160000)}
	fresh := func(f *countertest.Fake) {
		e := countertest.Enterprises(t, registry.JianguoHardware)[0]
		e.Outstanding = append(e.Outstanding, hallapi.TaxItem{ID: "F-T1-VAT"}, hallapi.TaxItem{ID: "F-T1-UMT"}, hallapi.TaxItem{ID: "F-T9-VAT"})
		f.Fresh = []hallapi.Enterprise{e}
	}
	for _, c := range []struct {
		name               string
		delivered, offline bool
		want               string
	}{
		{"delivered and listed", true, false, "[F-T1-VAT F-T1-UMT]"},
		{"queued", false, false, "[]"},
		{"delivered, the hall gone before the second look", true, true, "[]"},
	} {
		f := countertest.New(t)
		f.Delivered, f.Offline = c.delivered, c.offline
		fresh(f)
		out, err := New(f, Opts{Catalog: countertest.Catalog(t)}).Submit(context.Background(), r, i18n.ZH)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(out.Owed.ItemIDs); got != c.want {
			t.Errorf("%s: items %s, want %s", c.name, got, c.want)
		}
	}
}

// TestDraftIsTheCurrentPeriod: the draft is the zero return of the period before the
// counter's day, monthly or quarterly as configured.
func TestDraftIsTheCurrentPeriod(t *testing.T) {
	t.Parallel()
	f := countertest.New(t) // 2026-12-05
	if d := New(f, Opts{}).Draft(); d.Period != nov || !d.Zero {
		t.Fatalf("monthly draft %+v", d)
	}
	q := New(f, Opts{PeriodType: vatreturn.Quarterly}).Draft()
	if q.Period != (vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}) {
		t.Fatalf("quarterly draft %+v", q.Period)
	}
	if th := New(f, Opts{}).Threshold(q); th != vatreturn.RulesFor(vatreturn.DefaultRules(), q.Period).QuarterlyThreshold {
		t.Fatalf("quarterly threshold %s", th)
	}
}

// TestAdmitsAsksAboutTheComputedTax: before confirmation the policy is asked about the tax
// the form computes (not the sales typed), and its refusal comes back as Submit's would.
func TestAdmitsAsksAboutTheComputedTax(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	s := New(f, Opts{Catalog: countertest.Catalog(t)})
	r := vatreturn.Return{Period: nov, Sales: money.Yuan(160000)}
	want, _ := s.Compute(r)
	if err := s.Admits(r); err != nil || len(f.AdmitsAmount) != 1 || f.AdmitsAmount[0] != want.TaxPayable || want.TaxPayable <= 0 {
		t.Fatalf("admits: %v, asked about %v, want %s", err, f.AdmitsAmount, want.TaxPayable)
	}
	f.Refuse = "policy.offline_amount_over"
	if err := s.Admits(r); counter.MessageKey(err) != "policy.offline_amount_over" {
		t.Fatalf("refused before confirmation: %v", err)
	}
	if len(f.Accepted) != 0 {
		t.Fatal("asking committed something")
	}
}
