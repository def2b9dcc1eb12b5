package screens

import (
	"strings"
	"testing"

	"taxkiosk/assets"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/kit"
)

// TestVATRefusalsWorded: every code the hall answers a VAT return with (kiosk/hall policy
// and validate) has plain wording in both languages, its parameter filled in (issue 12:
// only invoice and payment codes were worded).
func TestVATRefusalsWorded(t *testing.T) {
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{hallapi.ResultAccepted, hallapi.ResultRiskReview, hallapi.ResultBadBody, hallapi.ResultNoTaxpayer,
		hallapi.ResultBadAmount, hallapi.ResultBadPeriod, hallapi.ResultTaxMismatch, hallapi.ResultUnknownEnterprise,
		hallapi.ResultNotAuthorised}
	for _, l := range i18n.Langs {
		a := &App{Face: kit.NewFace(cat, nil, l, nil)}
		for _, code := range codes {
			got := a.hallText(txn.KindVATReturn, code, "2026-13")
			if got == "" || strings.ContainsAny(got, "{}") || strings.Contains(got, code) {
				t.Errorf("%s: %s worded %q", l, code, got)
			}
		}
		if got := a.hallText(txn.KindVATReturn, hallapi.ResultTaxMismatch, "4000.00"); !strings.Contains(got, "4,000.00") {
			t.Errorf("%s: the hall's figure left out: %q", l, got)
		}
	}
}
