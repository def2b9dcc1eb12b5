package latepay

import (
	"fmt"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
)

// DailyRateBP is the surcharge per day of delay in basis points of the tax: 0.05 %.
const DailyRateBP = 5

// chinaTime is the time zone due dates are set in.
var chinaTime = time.FixedZone("CST", 8*3600)

// DaysLate is how many days after due (a "2006-01-02" date) the day of at is: 0 on or
// before the due date.
func DaysLate(due string, at time.Time) (int, error) {
	d, err := time.Parse(time.DateOnly, due)
	if err != nil {
		return 0, fmt.Errorf("%w: due date %q", ErrBadDue, due)
	}
	y, m, day := at.In(chinaTime).Date()
	paid := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	// Both are midnights in UTC, which has no daylight saving: every day is 24 hours.
	return max(0, int(paid.Sub(d)/(24*time.Hour))), nil
}

// Surcharge is the surcharge on tax for days of delay, rounded to the fen.
func Surcharge(tax money.Amount, days int) money.Amount {
	if days <= 0 || tax <= 0 {
		return 0
	}
	return tax.MulRate(int64(days) * DailyRateBP)
}

// Line is one outstanding item as paid on a given day.
type Line struct {
	hallapi.TaxItem
	DaysLate  int          // 0: not overdue
	Surcharge money.Amount // 0 when not overdue
}

// Overdue reports whether the item was paid after its due date.
func (l Line) Overdue() bool { return l.DaysLate > 0 }

// Total is the item's tax and surcharge.
func (l Line) Total() money.Amount { return l.Amount + l.Surcharge }

// Price is item as paid at at.
func Price(item hallapi.TaxItem, at time.Time) (Line, error) {
	days, err := DaysLate(item.Due, at)
	if err != nil {
		return Line{}, err
	}
	return Line{TaxItem: item, DaysLate: days, Surcharge: Surcharge(item.Amount, days)}, nil
}

// Bill is a payment of several items on one day.
type Bill struct {
	Lines     []Line       // in the order named
	Tax       money.Amount // the items' taxes
	Surcharge money.Amount // their surcharges
}

// Total is what the payment debits: taxes and surcharges.
func (b Bill) Total() money.Amount { return b.Tax + b.Surcharge }

// Pay prices the items ids of outstanding as paid at at. It fails with ErrNotOutstanding
// (wrapping the id) for an id not outstanding or named twice, and ErrBadDue for an item
// whose due date cannot be read.
func Pay(outstanding []hallapi.TaxItem, ids []string, at time.Time) (Bill, error) {
	var b Bill
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return Bill{}, fmt.Errorf("%w: %s", ErrNotOutstanding, id)
		}
		seen[id] = true
		it, found := find(outstanding, id)
		if !found {
			return Bill{}, fmt.Errorf("%w: %s", ErrNotOutstanding, id)
		}
		l, err := Price(it, at)
		if err != nil {
			return Bill{}, err
		}
		b.Lines = append(b.Lines, l)
		b.Tax += l.Amount
		b.Surcharge += l.Surcharge
	}
	return b, nil
}

func find(items []hallapi.TaxItem, id string) (hallapi.TaxItem, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return hallapi.TaxItem{}, false
}
