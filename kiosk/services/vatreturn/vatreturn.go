package vatreturn

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxkiosk/kiosk/money"
)

// PeriodType is how often a taxpayer files.
type PeriodType string

const (
	Monthly   PeriodType = "monthly"
	Quarterly PeriodType = "quarterly"
)

// Period is one tax period.
type Period struct {
	Type  PeriodType `json:"type"`
	Year  int        `json:"year"`
	Index int        `json:"index"` // month 1..12 or quarter 1..4
}

// CurrentPeriod is the period a return filed at now is for: the previous month or quarter.
func CurrentPeriod(t PeriodType, now time.Time) Period {
	y, m := now.Year(), int(now.Month())
	if t == Quarterly {
		q := (m-1)/3 + 1 - 1
		if q == 0 {
			return Period{Type: Quarterly, Year: y - 1, Index: 4}
		}
		return Period{Type: Quarterly, Year: y, Index: q}
	}
	if m == 1 {
		return Period{Type: Monthly, Year: y - 1, Index: 12}
	}
	return Period{Type: Monthly, Year: y, Index: m - 1}
}

// Code is the period as "2026-11" or "2026-Q3".
func (p Period) Code() string {
	if p.Type == Quarterly {
		return fmt.Sprintf("%d-Q%d", p.Year, p.Index)
	}
	return fmt.Sprintf("%d-%02d", p.Year, p.Index)
}

// Filer is whom a return is filed for: the person at the kiosk as an individual business
// (identified by the ID number the transaction carries, sealed), or an enterprise they act
// for, by its unified social credit code.
type Filer struct {
	Kind       string `json:"kind"`                  // FilerSelf or FilerEnterprise
	CreditCode string `json:"credit_code,omitempty"` // enterprises only
	// CheckFailed: the code's check character did not match and the taxpayer confirmed it
	// anyway (early pilot codes fail the check); the hall verifies it.
	CheckFailed bool `json:"check_failed,omitempty"`
}

// Filer kinds.
const (
	FilerSelf       = "self"
	FilerEnterprise = "enterprise"
)

// Return is a small-scale taxpayer's VAT return.
type Return struct {
	Period Period `json:"period"`
	Filer  Filer  `json:"filer"`
	// Sales is the period's taxable sales (excluding tax), all lines at the levy rate.
	Sales money.Amount `json:"sales"`
	// ExemptSales are sales exempt for their own reasons (e.g. agricultural produce).
	ExemptSales money.Amount `json:"exempt_sales"`
	// SmallExempt is the part of Sales exempt because total sales stayed at or below the
	// threshold (小微企业免税销售额); computed.
	SmallExempt money.Amount `json:"small_exempt_sales"`
	RateBP      int64        `json:"rate_bp"` // the rate applied, in basis points; computed
	TaxPayable  money.Amount `json:"tax_payable"`
	// The surcharges on TaxPayable (附加税费), after the small-scale relief; computed
	// (Rules says at which rates).
	UrbanTax                money.Amount `json:"urban_maintenance_tax"`
	EducationSurcharge      money.Amount `json:"education_surcharge"`
	LocalEducationSurcharge money.Amount `json:"local_education_surcharge"`
	UrbanRateBP             int64        `json:"urban_rate_bp"`        // computed
	SurchargeReliefPct      int64        `json:"surcharge_relief_pct"` // computed
	Zero                    bool         `json:"zero_return"`
	Rules                   string       `json:"rules"` // the rules' version; computed
	// RiskShown lists the hall's risk reminders shown before submission (their codes), and
	// RiskAck says the taxpayer confirmed having read them.
	RiskShown []string `json:"risk_shown,omitempty"`
	RiskAck   bool     `json:"risk_ack,omitempty"`
}

// ErrNegative is returned for a negative sales line.
var ErrNegative = errors.New("vatreturn: sales must not be negative")

// Zero is the zero return for period p.
func Zero(p Period) Return { return Return{Period: p, Zero: true} }

// Compute fills the computed fields from the sales lines under rules.
func (r *Return) Compute(rules Rules) error {
	if r.Sales < 0 || r.ExemptSales < 0 {
		return ErrNegative
	}
	r.Rules, r.RateBP = rules.Version, rules.ReducedRateBP
	r.Zero = r.Sales == 0 && r.ExemptSales == 0
	r.SmallExempt, r.TaxPayable = 0, 0
	under := r.Sales+r.ExemptSales <= rules.threshold(r.Period)
	if under {
		r.SmallExempt = r.Sales
	} else {
		r.TaxPayable = r.Sales.MulRate(rules.ReducedRateBP)
	}
	r.computeSurcharges(rules, under)
	return nil
}

// computeSurcharges levies the three surcharges on the VAT payable as the form's schedule
// does: each due amount rounded to the fen, less its relief (itself rounded), the two
// education surcharges not at all for sales under the threshold where the rules exempt them.
func (r *Return) computeSurcharges(rules Rules, underThreshold bool) {
	urban, edu, local := rules.surchargeRates()
	r.UrbanRateBP, r.SurchargeReliefPct = urban, rules.SurchargeReliefPct
	levy := func(bp int64) money.Amount {
		due := r.TaxPayable.MulRate(bp)
		return due - due.MulRate(rules.SurchargeReliefPct*100)
	}
	r.UrbanTax = levy(urban)
	r.EducationSurcharge, r.LocalEducationSurcharge = 0, 0
	if !(rules.EducationExempt && underThreshold) {
		r.EducationSurcharge, r.LocalEducationSurcharge = levy(edu), levy(local)
	}
}

// Surcharges is the sum of the three surcharges.
func (r Return) Surcharges() money.Amount {
	return r.UrbanTax + r.EducationSurcharge + r.LocalEducationSurcharge
}

// Total is what the return owes: the VAT and its surcharges.
func (r Return) Total() money.Amount { return r.TaxPayable + r.Surcharges() }

// RateText is a rate in basis points as a percentage without trailing zeros: 100 -> "1",
// 150 -> "1.5".
func RateText(bp int64) string {
	s := money.Amount(bp).String() // basis points have the shape of fen: 100 -> "1.00"
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Body is the transaction body sent to the hall.
func (r Return) Body() json.RawMessage {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a Return always marshals
	}
	return b
}

// ParsePeriod reads a period as the hall and the kiosk write it: "2026-11" and "2026-Q3"
// (Code's forms), and "11/2026". ok is false for anything else, or a month or quarter that
// does not exist.
func ParsePeriod(s string) (p Period, ok bool) {
	var year, index string
	switch {
	case strings.Contains(s, "-"):
		year, index, _ = strings.Cut(s, "-")
	case strings.Contains(s, "/"):
		index, year, _ = strings.Cut(s, "/")
	default:
		return Period{}, false
	}
	p.Type = Monthly
	if rest, q := strings.CutPrefix(index, "Q"); q {
		index, p.Type = rest, Quarterly
	}
	var err1, err2 error
	p.Year, err1 = strconv.Atoi(year)
	p.Index, err2 = strconv.Atoi(index)
	last := 12
	if p.Type == Quarterly {
		last = 4
	}
	if err1 != nil || err2 != nil || len(year) != 4 || p.Index < 1 || p.Index > last {
		return Period{}, false
	}
	return p, true
}
