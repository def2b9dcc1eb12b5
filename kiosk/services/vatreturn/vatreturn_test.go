package vatreturn

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"taxkiosk/kiosk/money"
)

func TestCurrentPeriod(t *testing.T) {
	for _, c := range []struct {
		t    PeriodType
		now  string
		want string
	}{
		{Monthly, "2026-12-01", "2026-11"},
		{Monthly, "2027-01-10", "2026-12"},
		{Quarterly, "2026-10-08", "2026-Q3"},
		{Quarterly, "2026-12-01", "2026-Q3"},
		{Quarterly, "2027-01-05", "2026-Q4"},
		{Quarterly, "2026-04-01", "2026-Q1"},
	} {
		now, _ := time.Parse("2006-01-02", c.now)
		if got := CurrentPeriod(c.t, now).Code(); got != c.want {
			t.Errorf("%s at %s: %s, want %s", c.t, c.now, got, c.want)
		}
	}
}

func yuan(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// TestCompute runs the table of the 2023 policy (3% levy reduced to 1%, exempt up to
// 100,000 yuan a month or 300,000 a quarter) and the statutory rules after it.
func TestCompute(t *testing.T) {
	nov := Period{Type: Monthly, Year: 2026, Index: 11}
	q3 := Period{Type: Quarterly, Year: 2026, Index: 3}
	y2028 := Period{Type: Monthly, Year: 2028, Index: 1}
	for _, c := range []struct {
		name               string
		p                  Period
		sales, exempt      string
		tax, smallEx, rate string
		zero               bool
	}{
		{"zero return", nov, "0", "0", "0.00", "0.00", "1%", true},
		{"under the monthly threshold", nov, "80000", "0", "0.00", "80000.00", "1%", false},
		{"at the monthly threshold", nov, "100000", "0", "0.00", "100000.00", "1%", false},
		{"over the monthly threshold", nov, "100000.01", "0", "1000.00", "0.00", "1%", false},
		{"exempt sales count towards the threshold", nov, "90000", "20000", "900.00", "0.00", "1%", false},
		{"quarter under its threshold", q3, "250000", "0", "0.00", "250000.00", "1%", false},
		{"quarter over its threshold", q3, "333333.33", "0", "3333.33", "0.00", "1%", false},
		{"after the policy: statutory 3%", y2028, "200000", "0", "6000.00", "0.00", "3%", false},
	} {
		r := Return{Period: c.p, Sales: yuan(c.sales), ExemptSales: yuan(c.exempt)}
		if err := r.Compute(RulesFor(DefaultRules(), c.p)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		rate := map[int64]string{100: "1%", 300: "3%"}[r.RateBP]
		if r.TaxPayable.String() != c.tax || r.SmallExempt.String() != c.smallEx || rate != c.rate || r.Zero != c.zero {
			t.Errorf("%s: tax %s small-exempt %s rate %s zero %t; want %s %s %s %t", c.name, r.TaxPayable, r.SmallExempt, rate, r.Zero, c.tax, c.smallEx, c.rate, c.zero)
		}
	}
	r := Return{Period: nov, Sales: -1}
	if err := r.Compute(DefaultRules()[0]); err != ErrNegative {
		t.Fatal("negative sales accepted")
	}
}

func TestBody(t *testing.T) {
	r := Zero(Period{Type: Monthly, Year: 2026, Index: 11})
	r.Compute(RulesFor(DefaultRules(), r.Period))
	var m map[string]any
	json.Unmarshal(r.Body(), &m)
	if m["tax_payable"] != "0.00" || m["zero_return"] != true || m["rules"] != DefaultRules()[0].Version {
		t.Fatalf("body %s", r.Body())
	}
}

func TestRulesValidate(t *testing.T) {
	for _, r := range DefaultRules() {
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	bad := DefaultRules()[0]
	bad.ReducedRateBP = 500
	if bad.Validate() == nil {
		t.Fatal("a reduced rate above the levy rate passed")
	}
}

// TestDue: the 15th of the month after the period, a weekend moved to the Monday after
// (calendar of 2026-2027 checked by hand: 2026-11-15 is a Sunday, 2027-05-15 a Saturday).
func TestDue(t *testing.T) {
	for _, c := range []struct {
		p    Period
		want string
	}{
		{Period{Type: Monthly, Year: 2026, Index: 11}, "2026-12-15"}, // a Tuesday
		{Period{Type: Monthly, Year: 2026, Index: 10}, "2026-11-16"}, // Sunday the 15th
		{Period{Type: Monthly, Year: 2027, Index: 4}, "2027-05-17"},  // Saturday the 15th
		{Period{Type: Monthly, Year: 2026, Index: 12}, "2027-01-15"}, // into the next year; a Friday
		{Period{Type: Quarterly, Year: 2026, Index: 3}, "2026-10-15"},
		{Period{Type: Quarterly, Year: 2026, Index: 4}, "2027-01-15"},
		{Period{Type: Quarterly, Year: 2027, Index: 1}, "2027-04-15"},
	} {
		if got := c.p.DueDate(); got != c.want {
			t.Errorf("%s: due %s, want %s", c.p.Code(), got, c.want)
		}
	}
}

// TestSurcharges: urban maintenance and construction tax, education surcharge and local
// education surcharge on the VAT payable, halved for small-scale taxpayers under the 2023
// policy, worked by hand: each due amount rounded to the fen, less half of it rounded.
func TestSurcharges(t *testing.T) {
	nov := Period{Type: Monthly, Year: 2026, Index: 11}
	q3 := Period{Type: Quarterly, Year: 2026, Index: 3}
	y2028 := Period{Type: Monthly, Year: 2028, Index: 1}
	county := DefaultRules()[0]
	county.UrbanRateBP = 500
	for _, c := range []struct {
		name                  string
		p                     Period
		rules                 Rules
		sales                 string
		vat, urban, edu, ledu string
	}{
		// 1,600.00 × 7 % = 112.00 − 56.00; × 3 % = 48.00 − 24.00; × 2 % = 32.00 − 16.00
		{"a month over the threshold", nov, RulesFor(DefaultRules(), nov), "160000", "1600.00", "56.00", "24.00", "16.00"},
		// 3,333.33 × 7 % = 233.33, half 116.665 -> 116.67, payable 116.66; × 3 % = 100.00 − 50.00;
		// × 2 % = 66.67, half 33.335 -> 33.34, payable 33.33
		{"a quarter, rounding", q3, RulesFor(DefaultRules(), q3), "333333.33", "3333.33", "116.66", "50.00", "33.33"},
		{"a county town: 5 %", nov, county, "160000", "1600.00", "40.00", "24.00", "16.00"},
		{"under the threshold: nothing", nov, RulesFor(DefaultRules(), nov), "100000", "0.00", "0.00", "0.00", "0.00"},
		// after the policy: 3 % VAT, no halving: 6,000.00 × 7 %, 3 %, 2 %
		{"statutory, no relief", y2028, RulesFor(DefaultRules(), y2028), "200000", "6000.00", "420.00", "180.00", "120.00"},
	} {
		r := Return{Period: c.p, Sales: yuan(c.sales)}
		if err := r.Compute(c.rules); err != nil {
			t.Fatal(err)
		}
		got := []string{r.TaxPayable.String(), r.UrbanTax.String(), r.EducationSurcharge.String(), r.LocalEducationSurcharge.String()}
		want := []string{c.vat, c.urban, c.edu, c.ledu}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: vat, urban, education, local education %v, want %v", c.name, got, want)
		}
		if r.Total() != r.TaxPayable+r.UrbanTax+r.EducationSurcharge+r.LocalEducationSurcharge {
			t.Errorf("%s: total %s", c.name, r.Total())
		}
	}
	bad := DefaultRules()[0]
	bad.UrbanRateBP = 600
	if bad.Validate() == nil {
		t.Error("a 6 % urban maintenance rate passed")
	}
}

// TestParsePeriod reads the hall's and the kiosk's forms of a period and refuses months and
// quarters that do not exist.
func TestParsePeriod(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Period
		ok   bool
	}{
		{"2026-11", Period{Type: Monthly, Year: 2026, Index: 11}, true},
		{"2026-Q3", Period{Type: Quarterly, Year: 2026, Index: 3}, true},
		{"11/2026", Period{Type: Monthly, Year: 2026, Index: 11}, true},
		{"2026-13", Period{}, false},
		{"2026-Q5", Period{}, false},
		{"26-11", Period{}, false},
		{"2026", Period{}, false},
		{"", Period{}, false},
	} {
		got, ok := ParsePeriod(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParsePeriod(%q) = %+v, %t; want %+v, %t", c.in, got, ok, c.want, c.ok)
		}
		if ok && got.Type == Monthly && c.in[4] == '-' && got.Code() != c.in || ok && got.Type == Quarterly && got.Code() != c.in {
			t.Errorf("%q reads back as %q", c.in, got.Code())
		}
	}
}
