package kit

import (
	"testing"

	"taxkiosk/assets"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/ui/theme"
)

func TestYuan(t *testing.T) {
	for _, c := range []struct {
		a    money.Amount
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {99999, "999.99"}, {100000, "1,000.00"}, {160000, "1,600.00"},
		{123456789, "1,234,567.89"}, {-160000, "-1,600.00"}, {-99999, "-999.99"}, {100000000000, "1,000,000,000.00"},
	} {
		if got := Yuan(c.a); got != c.want {
			t.Errorf("Yuan(%d) = %q, want %q", c.a, got, c.want)
		}
		// The display form reads back to the same fen: only separators were added.
		if back, err := money.Parse(stripCommas(Yuan(c.a))); err != nil || back != c.a {
			t.Errorf("Yuan(%d) = %q reads back as %v, %v", c.a, Yuan(c.a), back, err)
		}
	}
}

func stripCommas(s string) string {
	out := []rune{}
	for _, r := range s {
		if r != ',' {
			out = append(out, r)
		}
	}
	return string(out)
}

func TestPeriod(t *testing.T) {
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	zh, en := NewFace(cat, theme.New(), i18n.ZH, nil), NewFace(cat, theme.New(), i18n.EN, nil)
	for _, c := range []struct{ in, zh, en string }{
		{"2026-11", "2026年11月", "Nov 2026"},
		{"2026-01", "2026年1月", "Jan 2026"},
		{"2026-Q3", "2026年第3季度", "2026 Q3"},
		{"11/2026", "2026年11月", "Nov 2026"},
		{"2026-Q5", "2026-Q5", "2026-Q5"}, // no such quarter: shown as it came
		{"2026-13", "2026-13", "2026-13"},
		{"", "", ""},
	} {
		if got := zh.Period(c.in); got != c.zh {
			t.Errorf("zh %q = %q, want %q", c.in, got, c.zh)
		}
		if got := en.Period(c.in); got != c.en {
			t.Errorf("en %q = %q, want %q", c.in, got, c.en)
		}
	}
	if got := en.PeriodOf(2026, 4, true); got != "2026 Q4" {
		t.Errorf("PeriodOf quarterly = %q", got)
	}
	if got := zh.PeriodOf(2026, 12, false); got != "2026年12月" {
		t.Errorf("PeriodOf monthly = %q", got)
	}
}
