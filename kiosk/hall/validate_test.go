package hall_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// TestBodyValidation replays the review's VAT return attack (every body was stored as
// accepted) and the like for the other kinds: each is refused with a code the kiosk can
// word, while what a kiosk computes is accepted.
func TestBodyValidation(t *testing.T) {
	now := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	p := vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
	good := vatreturn.Return{Period: p, Filer: vatreturn.Filer{Kind: vatreturn.FilerSelf}, Sales: 40000000} // 400,000.00 yuan
	if err := good.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), p)); err != nil || good.TaxPayable != 400000 {
		t.Fatalf("test return: tax %v %v", good.TaxPayable, err)
	}
	// with replaces one field of the good return's JSON.
	with := func(field, raw string) string {
		var m map[string]json.RawMessage
		json.Unmarshal(good.Body(), &m)
		if raw == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(raw)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	card := &txn.Taxpayer{Name: "李娜", IDNumber: "410402198501012345", CardType: "resident"}
	for _, c := range []struct {
		name, kind, body string
		nobody           bool
		code, msg        string
	}{
		{"as computed", "vat_return", string(good.Body()), false, hallapi.ResultAccepted, ""},
		{"negative sales", "vat_return", with("sales", `"-1.00"`), false, hallapi.ResultBadAmount, "sales"},
		{"10^30", "vat_return", with("sales", `"1000000000000000000000000000000.00"`), false, hallapi.ResultBadAmount, "sales"},
		{"five decimals", "vat_return", with("sales", `"12.34567"`), false, hallapi.ResultBadAmount, "sales"},
		{"one decimal", "vat_return", with("sales", `"400000.0"`), false, hallapi.ResultBadAmount, "sales"},
		{"NaN", "vat_return", with("sales", `"NaN"`), false, hallapi.ResultBadAmount, "sales"},
		{"hex", "vat_return", with("sales", `"0x10"`), false, hallapi.ResultBadAmount, "sales"},
		{"a JSON number", "vat_return", with("sales", `400000`), false, hallapi.ResultBadAmount, "sales"},
		{"leading zero", "vat_return", with("tax_payable", `"04000.00"`), false, hallapi.ResultBadAmount, "tax_payable"},
		{"no tax field", "vat_return", with("tax_payable", ""), false, hallapi.ResultBadAmount, "tax_payable"},
		{"year 99999", "vat_return", with("period", `{"type":"quarterly","year":99999,"index":3}`), false, hallapi.ResultBadPeriod, "99999-Q3"},
		{"year 99", "vat_return", with("period", `{"type":"quarterly","year":99,"index":3}`), false, hallapi.ResultBadPeriod, "99-Q3"},
		{"quarter 5", "vat_return", with("period", `{"type":"quarterly","year":2026,"index":5}`), false, hallapi.ResultBadPeriod, "2026-Q5"},
		{"a period not begun", "vat_return", with("period", `{"type":"monthly","year":2027,"index":1}`), false, hallapi.ResultBadPeriod, "2027-01"},
		{"weekly", "vat_return", with("period", `{"type":"weekly","year":2026,"index":3}`), false, hallapi.ResultBadPeriod, "type"},
		{"no taxpayer", "vat_return", string(good.Body()), true, hallapi.ResultNoTaxpayer, ""},
		{"tax payable too low", "vat_return", with("tax_payable", `"0.00"`), false, hallapi.ResultTaxMismatch, "4000.00"},
		{"below the threshold but taxed", "vat_return", with("sales", `"1000.00"`), false, hallapi.ResultTaxMismatch, "0.00"},
		{"surcharges left out", "vat_return", with("urban_maintenance_tax", `"0.00"`), false, hallapi.ResultTaxMismatch, "240.00"},   // 4,000.00 × (7 + 3 + 2) % halved
		{"surcharges not halved", "vat_return", with("education_surcharge", `"120.00"`), false, hallapi.ResultTaxMismatch, "240.00"}, // 4,000.00 × (7 + 3 + 2) % halved
		{"no surcharge field", "vat_return", with("local_education_surcharge", ""), false, hallapi.ResultBadAmount, "local_education_surcharge"},
		{"another rules version", "vat_return", with("rules", `"mine"`), false, hallapi.ResultTaxMismatch, "4000.00"},
		{"no filer", "vat_return", with("filer", ""), false, hallapi.ResultBadBody, "filer"},
		{"not an object", "vat_return", `[1,2]`, false, hallapi.ResultBadBody, ""},
		{"payment total 18452.3", "tax_payment", `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.3"}`, false, hallapi.ResultBadAmount, "total"},
		{"payment total negative", "tax_payment", `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"-18452.37"}`, false, hallapi.ResultBadAmount, "total"},
		{"payment total zero", "tax_payment", `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"0.00"}`, false, hallapi.ResultBadAmount, "total"},
		{"payment surcharge 1.5", "tax_payment", `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.37","surcharge":"1.5"}`, false, hallapi.ResultBadAmount, "surcharge"},
		{"payment surcharge a number", "tax_payment", `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.37","surcharge":0}`, false, hallapi.ResultBadAmount, "surcharge"},
		{"queue number forged", "queue_ticket", `{"business":"filing","number":"A001; DROP"}`, false, hallapi.ResultBadBody, "number"},
		{"rating 99", "rating", `{"level":99}`, false, hallapi.ResultBadBody, "level"},
		{"help, not an object", "help_request", `"help"`, false, hallapi.ResultBadBody, ""},
	} {
		tx := txn.Txn{ID: "t", KioskID: "K1", Kind: txn.Kind(c.kind), Body: json.RawMessage(c.body)}
		if !c.nobody {
			tx.Taxpayer = card
		}
		r, ok := hall.Decide(tx, now)
		want := txn.Rejected
		if c.code == hallapi.ResultAccepted {
			want = txn.Approved
		}
		if !ok || r.State != want || r.Code != c.code || r.Message != c.msg {
			t.Errorf("%s: %+v, want %s %s %q", c.name, r, want, c.code, c.msg)
		}
		if strings.Contains(fmt.Sprint(r), card.IDNumber) {
			t.Errorf("%s: the result names the ID number", c.name)
		}
	}
}
