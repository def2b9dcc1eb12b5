package latepay

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
)

var cst = time.FixedZone("CST", 8*3600)

// TestDaysLate counts from the day after the due date to the payment day, both included,
// by the calendar in China: days counted by hand on a 2026 calendar.
func TestDaysLate(t *testing.T) {
	for _, c := range []struct {
		due  string
		at   time.Time
		want int
	}{
		{"2026-10-23", time.Date(2026, 10, 23, 23, 59, 0, 0, cst), 0}, // the due date itself
		{"2026-10-23", time.Date(2026, 10, 24, 0, 0, 0, 0, cst), 1},
		{"2026-10-23", time.Date(2026, 12, 5, 10, 0, 0, 0, cst), 43},       // 8 in October + 30 + 5
		{"2026-10-23", time.Date(2026, 12, 4, 16, 30, 0, 0, time.UTC), 43}, // 00:30 on the 5th in China
		{"2026-12-15", time.Date(2026, 12, 5, 10, 0, 0, 0, cst), 0},        // not yet due
		{"2026-12-31", time.Date(2027, 1, 1, 8, 0, 0, 0, cst), 1},          // over the year's end
		{"2028-02-28", time.Date(2028, 3, 1, 8, 0, 0, 0, cst), 2},          // a leap day between
	} {
		got, err := DaysLate(c.due, c.at)
		if err != nil || got != c.want {
			t.Errorf("due %s paid %s: %d %v, want %d", c.due, c.at, got, err, c.want)
		}
	}
	if _, err := DaysLate("2026-13-01", time.Now()); !errors.Is(err, ErrBadDue) {
		t.Errorf("an impossible due date: %v", err)
	}
}

// TestSurcharge: 0.05 % a day, rounded half away from zero to the fen, worked by hand:
// 3,150.00 × 0.0005 × 43 = 67.725 -> 67.73; 220.50 × 0.0215 = 4.74075 -> 4.74;
// 94.50 × 0.0215 = 2.03175 -> 2.03; 100.00 × 0.0005 = 0.05; 0.01 × 0.0005 = 0.000005 -> 0.00;
// 10.00 × 0.0005 × 1 = 0.005 -> 0.01 (the half rounds up).
func TestSurcharge(t *testing.T) {
	for _, c := range []struct {
		tax  string
		days int
		want string
	}{
		{"3150.00", 43, "67.73"},
		{"220.50", 43, "4.74"},
		{"94.50", 43, "2.03"},
		{"100.00", 1, "0.05"},
		{"0.01", 1, "0.00"},
		{"10.00", 1, "0.01"},
		{"1000.00", 0, "0.00"},
		{"1000.00", -3, "0.00"},
		{"26500.00", 365, "4836.25"}, // 26,500 × 0.1825
	} {
		tax, _ := money.Parse(c.tax)
		if got := Surcharge(tax, c.days).String(); got != c.want {
			t.Errorf("%s for %d days: %s, want %s", c.tax, c.days, got, c.want)
		}
	}
}

func TestPay(t *testing.T) {
	items := []hallapi.TaxItem{
		{ID: "vat", Amount: money.Yuan(3150), Due: "2026-10-23"},
		{ID: "umt", Amount: 22050, Due: "2026-10-23"},
		{ID: "stamp", Amount: 3780, Due: "2026-12-15"},
	}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, cst)
	b, err := Pay(items, []string{"vat", "umt", "stamp"}, at)
	if err != nil {
		t.Fatal(err)
	}
	// each item rounded on its own: 67.73 + 4.74 + 0.00
	if b.Tax.String() != "3408.30" || b.Surcharge.String() != "72.47" || b.Total().String() != "3480.77" ||
		!b.Lines[0].Overdue() || b.Lines[2].Overdue() || b.Lines[1].DaysLate != 43 {
		t.Fatalf("bill %+v", b)
	}
	for _, ids := range [][]string{{"vat", "vat"}, {"gone"}} {
		if _, err := Pay(items, ids, at); !errors.Is(err, ErrNotOutstanding) {
			t.Errorf("%v: %v", ids, err)
		}
	}
}

func ExampleSurcharge() {
	tax, _ := money.Parse("3150.00")
	days, _ := DaysLate("2026-10-23", time.Date(2026, 12, 5, 10, 0, 0, 0, cst))
	fmt.Println(days, Surcharge(tax, days))
	// Output: 43 67.73
}
