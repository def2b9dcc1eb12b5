package kit

import (
	"strconv"
	"strings"

	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/vatreturn"
)

// Yuan is an amount as the screens show it: thousands separated, two decimals
// ("1,234,567.80"), so that a taxpayer reads 1,600.00 at a glance where 1600.00 and 16000.00
// look alike. Receipts and the hall keep money.Amount.String, the exact figure with no
// separator to misparse.
func Yuan(a money.Amount) string {
	s := a.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String() + "." + frac
}

// Period is a tax period as every screen shows it, whichever form it came in (the hall's
// "2026-11" and "2026-Q3", "11/2026"): in the catalogue's one form per language, 2026年11月
// and 2026年第3季度, Nov 2026 and 2026 Q3. Text that is no period it knows is shown as it
// is, not dropped.
func (f *Face) Period(period string) string {
	year, index, quarterly, ok := parsePeriod(period)
	if !ok {
		return period
	}
	return f.PeriodOf(year, index, quarterly)
}

// PeriodOf is Period for a period given as numbers: index is the month (1..12) or, when
// quarterly, the quarter (1..4).
func (f *Face) PeriodOf(year, index int, quarterly bool) string {
	switch {
	case quarterly && index >= 1 && index <= 4:
		return f.T("period.quarterly", "year", year, "quarter", index)
	case !quarterly && index >= 1 && index <= 12:
		return f.T("period.monthly", "year", year, "month", index, "mon", f.T("period.month."+strconv.Itoa(index)))
	}
	return strconv.Itoa(year)
}

// parsePeriod reads "2026-11", "2026-Q3" and "11/2026" as the receipts do.
func parsePeriod(s string) (year, index int, quarterly, ok bool) {
	p, ok := vatreturn.ParsePeriod(s)
	return p.Year, p.Index, p.Type == vatreturn.Quarterly, ok
}
