package certificate

import (
	"context"
	"errors"
	"testing"

	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// TestPrintsOnlyWhatTheHallListed: a certificate prints as the hall listed it, with its
// amount, period and date; one not listed for the taxpayer, or without a session, is
// refused with nothing accepted.
func TestPrintsOnlyWhatTheHallListed(t *testing.T) {
	t.Parallel()
	cat := countertest.Catalog(t)
	for _, l := range i18n.Langs {
		f := countertest.New(t)
		s := New(f, cat)
		list := s.List()
		if len(list) == 0 {
			t.Fatal("the demo taxpayer has no certificates")
		}
		it := list[0]
		if _, err := s.Print(context.Background(), registry.XiulanHalalFood, it.Certificate.ID, l); !errors.Is(err, ErrNotListed) {
			t.Fatalf("another enterprise's certificate: %v", err)
		}
		if _, err := s.Print(context.Background(), it.Enterprise.CreditCode, it.Certificate.ID, l); err != nil {
			t.Fatal(err)
		}
		if len(f.Accepted) != 1 || f.Accepted[0].Txn.Kind != txn.KindCertificate {
			t.Fatalf("accepted %v", f.Kinds())
		}
		c := it.Certificate
		countertest.Expect(t, cat, l, countertest.Fields(t, f.Accepted[0].Receipt), map[string]string{
			"cert.amount":    cat.T(l, "vat.yuan", "amount", c.Amount.String()),
			"cert.tax_kind":  counter.TextIn(c.Name, l),
			"receipt.period": written[c.Period][l], // as the screens write it, never the hall's code
			"cert.paid_on":   c.PaidOn,
			"cert.number":    c.ID,
		})
		f.Person = nil
		if _, err := s.Print(context.Background(), it.Enterprise.CreditCode, it.Certificate.ID, l); !errors.Is(err, counter.ErrNoSession) {
			t.Fatalf("without a session: %v", err)
		}
	}
}

// written is each demo period as a taxpayer reads it, in each language.
var written = map[string]map[i18n.Lang]string{
	"2026-Q2": {i18n.ZH: "2026年第2季度", i18n.EN: "2026 Q2"},
	"2026-Q3": {i18n.ZH: "2026年第3季度", i18n.EN: "2026 Q3"},
	"2026-10": {i18n.ZH: "2026年10月", i18n.EN: "Oct 2026"},
	"2026-11": {i18n.ZH: "2026年11月", i18n.EN: "Nov 2026"},
}
