package vatreturn

import "time"

// Due is the last day to file the return of period p and pay its tax: the 15th of the month
// after the period ends (增值税暂行条例 art. 23; 税收征收管理法实施细则 art. 109 moves a last
// day that falls on a rest day to the next working day). Weekends are moved here, to the
// Monday after; public holidays move it further by the State Taxation Administration's yearly
// filing calendar, which the kiosk does not carry, so a hall may set a later day. The date is
// a calendar day, returned as midnight UTC.
func (p Period) Due() time.Time {
	last := p.Index // the period's last month
	if p.Type == Quarterly {
		last = p.Index * 3
	}
	d := time.Date(p.Year, time.Month(last)+1, 15, 0, 0, 0, 0, time.UTC) // month 13 is next January
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, 2)
	case time.Sunday:
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// DueDate is Due as "2026-12-15", as the hall lists due dates.
func (p Period) DueDate() string { return p.Due().Format(time.DateOnly) }
