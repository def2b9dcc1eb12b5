package vatreturn

import (
	"fmt"
	"time"

	"taxkiosk/kiosk/money"
)

// Rules are the rates and thresholds a small-scale taxpayer's return is computed with. They
// change by policy, so they are data: a versioned table, the current rules as defaults, and
// a hall may configure others.
type Rules struct {
	Version string `json:"version"` // the policy document, e.g. "财政部 税务总局公告2023年第19号"
	From    string `json:"from"`    // first period month covered, "2023-01"
	Until   string `json:"until"`   // last period month covered, "2027-12"
	// LevyRateBP is the statutory levy rate for small-scale taxpayers in basis points (3%).
	LevyRateBP int64 `json:"levy_rate_bp"`
	// ReducedRateBP is the rate the levy rate is reduced to while the policy runs (1%).
	ReducedRateBP int64 `json:"reduced_rate_bp"`
	// MonthlyThreshold and QuarterlyThreshold: total sales at or below are exempt.
	MonthlyThreshold   money.Amount `json:"monthly_threshold"`
	QuarterlyThreshold money.Amount `json:"quarterly_threshold"`

	// The surcharges levied on the VAT payable (附加税费), each rounded to the fen:
	// UrbanRateBP is the urban maintenance and construction tax rate by the taxpayer's
	// location (城市维护建设税法 art. 4: 7 % in a city, 5 % in a county town, 1 % elsewhere);
	// zero means 7 %, a hall outside a city configures its own. EducationRateBP (教育费附加,
	// 3 %) and LocalEducationRateBP (地方教育附加, 2 %); zero means those rates.
	UrbanRateBP          int64 `json:"urban_rate_bp,omitempty"`
	EducationRateBP      int64 `json:"education_rate_bp,omitempty"`
	LocalEducationRateBP int64 `json:"local_education_rate_bp,omitempty"`
	// SurchargeReliefPct is the reduction of the three surcharges for small-scale taxpayers
	// (六税两费减半: 财政部 税务总局公告2023年第12号, 50 % to 2027-12-31); zero: none.
	SurchargeReliefPct int64 `json:"surcharge_relief_pct,omitempty"`
	// EducationExempt: the two education surcharges are not levied when the period's sales
	// stay at or below the thresholds above (财税〔2016〕12号: 100,000 yuan a month, 300,000
	// a quarter).
	EducationExempt bool `json:"education_exempt,omitempty"`
}

// Statutory surcharge rates, where a table entry leaves them zero.
const (
	DefaultUrbanRateBP          = 700
	DefaultEducationRateBP      = 300
	DefaultLocalEducationRateBP = 200
)

// surchargeRates are the three rates in force under r, defaults filled in.
func (r Rules) surchargeRates() (urban, edu, local int64) {
	urban, edu, local = r.UrbanRateBP, r.EducationRateBP, r.LocalEducationRateBP
	if urban == 0 {
		urban = DefaultUrbanRateBP
	}
	if edu == 0 {
		edu = DefaultEducationRateBP
	}
	if local == 0 {
		local = DefaultLocalEducationRateBP
	}
	return urban, edu, local
}

// DefaultRules is the table in force: the 2023 policy extended to the end of 2027 (3% levy
// reduced to 1%; exemption up to 100,000 yuan a month or 300,000 yuan a quarter), and the
// statutory rules outside it.
func DefaultRules() []Rules {
	return []Rules{
		{Version: "财政部 税务总局公告2023年第19号", From: "2023-01", Until: "2027-12", LevyRateBP: 300, ReducedRateBP: 100,
			MonthlyThreshold: money.Yuan(100000), QuarterlyThreshold: money.Yuan(300000),
			SurchargeReliefPct: 50, EducationExempt: true},
	}
}

// statutory applies where no table entry covers a period: the 3% levy rate and the
// exemption thresholds of the VAT implementing rules as last amended (monthly 100,000 yuan).
var statutory = Rules{Version: "增值税暂行条例实施细则", LevyRateBP: 300, ReducedRateBP: 300,
	MonthlyThreshold: money.Yuan(100000), QuarterlyThreshold: money.Yuan(300000), EducationExempt: true}

// RulesFor picks the rules covering period p from table.
func RulesFor(table []Rules, p Period) Rules {
	first := p.firstMonth()
	for _, r := range table {
		if first >= r.From && first <= r.Until {
			return r
		}
	}
	return statutory
}

// firstMonth is the period's first month as "2026-11".
func (p Period) firstMonth() string {
	m := p.Index
	if p.Type == Quarterly {
		m = (p.Index-1)*3 + 1
	}
	return fmt.Sprintf("%04d-%02d", p.Year, m)
}

// threshold is the exemption threshold for the period's length.
func (r Rules) threshold(p Period) money.Amount {
	if p.Type == Quarterly {
		return r.QuarterlyThreshold
	}
	return r.MonthlyThreshold
}

// Validate reports a table entry that cannot be used.
func (r Rules) Validate() error {
	if _, err := time.Parse("2006-01", r.From); err != nil {
		return fmt.Errorf("vatreturn: rules %q: from: %w", r.Version, err)
	}
	if _, err := time.Parse("2006-01", r.Until); err != nil || r.Until < r.From {
		return fmt.Errorf("vatreturn: rules %q: until must be a month after from", r.Version)
	}
	if r.LevyRateBP <= 0 || r.ReducedRateBP <= 0 || r.ReducedRateBP > r.LevyRateBP {
		return fmt.Errorf("vatreturn: rules %q: rates must be positive and reduced at most to the levy rate", r.Version)
	}
	switch r.UrbanRateBP {
	case 0, 700, 500, 100:
	default:
		return fmt.Errorf("vatreturn: rules %q: urban maintenance rate must be 7, 5 or 1 %%", r.Version)
	}
	if r.EducationRateBP < 0 || r.LocalEducationRateBP < 0 || r.SurchargeReliefPct < 0 || r.SurchargeReliefPct > 100 {
		return fmt.Errorf("vatreturn: rules %q: surcharge rates must not be negative, relief at most 100 %%", r.Version)
	}
	return nil
}
