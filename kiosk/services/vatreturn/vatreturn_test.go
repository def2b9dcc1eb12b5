package vatreturn

import (
	"encoding/json"
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

func TestComputeAndBody(t *testing.T) {
	r := Zero(Period{Type: Monthly, Year: 2026, Index: 11})
	if err := r.Compute(); err != nil || !r.Zero || r.TaxPayable != 0 {
		t.Fatalf("zero return: %+v %v", r, err)
	}
	var m map[string]any
	json.Unmarshal(r.Body(), &m)
	if m["tax_payable"] != "0.00" || m["zero_return"] != true {
		t.Fatalf("body %s", r.Body())
	}
	r.Sales3, _ = money.Parse("100000")
	r.Sales1, _ = money.Parse("2000.5")
	if err := r.Compute(); err != nil || r.TaxPayable.String() != "3020.01" || r.Zero {
		t.Fatalf("computed %+v", r)
	}
	r.Sales1 = -1
	if err := r.Compute(); err != ErrNegative {
		t.Fatalf("negative accepted")
	}
}
