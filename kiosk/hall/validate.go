package hall

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// exactAmount is how every amount travels: a JSON string of yuan with exactly two decimal
// places, no sign, no exponent, no leading zeros, at most ten digits before the point
// (9,999,999,999.99 yuan, far above any small-scale taxpayer's sales). money.Amount's own
// decoding is kinder (it takes "12.3" and negative amounts) because it also reads what
// people type; a kiosk always sends money.Amount.String(), so anything else did not come
// from one.
var exactAmount = regexp.MustCompile(`^"(0|[1-9][0-9]{0,9})\.[0-9]{2}"$`)

// firstFiling is the earliest period year the hall takes a return for.
const firstFiling = 2000

// refusal is why a transaction's body was refused: a hallapi Result... code and the field
// or value it is about (language-neutral, never personal data).
type refusal struct{ code, about string }

// validate checks what a transaction of kind carries before any rule is applied to it:
// well-formed bodies, exact amounts in range, periods that exist and have begun, a taxpayer
// where the service is a person's, and for a VAT return the tax the rules table gives for
// its sales. nil: valid.
func validate(t txn.Txn, now time.Time, rules []vatreturn.Rules, sessionAge time.Duration) *refusal {
	// Services for an enterprise check the card holder against it (not_authorised); a VAT
	// return of one's own has only the card holder to name whose it is.
	needsTaxpayer := t.Kind == txn.KindVATReturn
	var amounts []string
	switch t.Kind {
	case txn.KindVATReturn:
		amounts = []string{"sales", "exempt_sales", "small_exempt_sales", "tax_payable",
			"urban_maintenance_tax", "education_surcharge", "local_education_surcharge"}
	case txn.KindTaxPayment:
		amounts = []string{"total"}
	}
	optional := map[string]bool{}
	if t.Kind == txn.KindTaxPayment {
		amounts, optional["surcharge"] = append(amounts, "surcharge"), true // absent: none
	}
	fields, ok := object(t.Body)
	if !ok {
		return &refusal{hallapi.ResultBadBody, ""}
	}
	if needsTaxpayer && (t.Taxpayer == nil || strings.TrimSpace(t.Taxpayer.IDNumber) == "" || strings.TrimSpace(t.Taxpayer.Name) == "") {
		return &refusal{hallapi.ResultNoTaxpayer, ""}
	}
	for _, name := range amounts {
		if _, sent := fields[name]; !sent && optional[name] {
			continue
		}
		if !exactAmount.Match(fields[name]) {
			return &refusal{hallapi.ResultBadAmount, name}
		}
	}
	switch t.Kind {
	case txn.KindVATReturn:
		return validateVAT(t.Body, now, rules)
	case txn.KindTaxPayment:
		var b hallapi.TaxPaymentBody
		if json.Unmarshal(t.Body, &b) != nil || b.CreditCode == "" || len(b.Items) == 0 {
			return &refusal{hallapi.ResultBadBody, ""}
		}
		if b.Total <= 0 {
			return &refusal{hallapi.ResultBadAmount, "total"}
		}
		made := t.CreatedAt
		if made.IsZero() {
			made = now
		}
		if !sessionNear(b.Session, made, sessionAge) {
			return &refusal{hallapi.ResultNoSession, ""}
		}
	case txn.KindInvoiceCollection:
		var b hallapi.InvoiceCollectionBody
		if json.Unmarshal(t.Body, &b) != nil || b.CreditCode == "" || b.TypeCode == "" {
			return &refusal{hallapi.ResultBadBody, ""}
		}
	case txn.KindCertificate:
		var b hallapi.CertificateBody
		if json.Unmarshal(t.Body, &b) != nil || b.CreditCode == "" || b.CertificateID == "" {
			return &refusal{hallapi.ResultBadBody, ""}
		}
	case txn.KindInvoiceVerification:
		var q hallapi.InvoiceQuery
		if json.Unmarshal(t.Body, &q) != nil || strings.TrimSpace(q.InvoiceNumber) == "" {
			return &refusal{hallapi.ResultBadBody, ""}
		}
	case txn.KindQueueTicket:
		var b hallapi.QueueTicketBody
		if json.Unmarshal(t.Body, &b) != nil || !knownBusiness(b.Business) {
			return &refusal{hallapi.ResultBadBody, ""}
		}
		if b.Number != "" && !ticketNumber.MatchString(b.Number) {
			return &refusal{hallapi.ResultBadBody, "number"}
		}
	case txn.KindRating:
		var b struct {
			Level int `json:"level"`
		}
		if json.Unmarshal(t.Body, &b) != nil || b.Level < 1 || b.Level > 5 {
			return &refusal{hallapi.ResultBadBody, "level"}
		}
	}
	return nil
}

// sessionNear reports whether s names a card session read within age of at, either way (the
// kiosk's and the hall's clocks may differ a little).
func sessionNear(s *hallapi.Session, at time.Time, age time.Duration) bool {
	if !sessionNamed(s) {
		return false
	}
	d := at.Sub(s.CardReadAt)
	return d <= age && d >= -age
}

// sessionNamed reports whether s names a card session: a SAM and a card read time.
func sessionNamed(s *hallapi.Session) bool {
	return s != nil && strings.TrimSpace(s.SAMID) != "" && !s.CardReadAt.IsZero()
}

// ticketNumber is a queue number as the hall hands them out: the business letter and three
// or more digits.
var ticketNumber = regexp.MustCompile(`^[A-D][0-9]{3,6}$`)

// object decodes a body as a JSON object's fields, raw; an absent body is an empty object.
func object(body json.RawMessage) (map[string]json.RawMessage, bool) {
	fields := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) == 0 {
		return fields, true
	}
	return fields, json.Unmarshal(body, &fields) == nil
}

// validateVAT checks a return's period and filer, then computes it again under the rules
// table: the computed fields must be what the kiosk sent.
func validateVAT(body json.RawMessage, now time.Time, rules []vatreturn.Rules) *refusal {
	var r vatreturn.Return
	if json.Unmarshal(body, &r) != nil {
		return &refusal{hallapi.ResultBadBody, ""}
	}
	p := r.Period
	last := 12
	if p.Type == vatreturn.Quarterly {
		last = 4
	} else if p.Type != vatreturn.Monthly {
		return &refusal{hallapi.ResultBadPeriod, "type"}
	}
	if p.Index < 1 || p.Index > last || p.Year < firstFiling {
		return &refusal{hallapi.ResultBadPeriod, p.Code()}
	}
	first := p.Index
	if p.Type == vatreturn.Quarterly {
		first = (p.Index-1)*3 + 1
	}
	if time.Date(p.Year, time.Month(first), 1, 0, 0, 0, 0, chinaTime()).After(now) {
		return &refusal{hallapi.ResultBadPeriod, p.Code()} // a period that has not begun
	}
	switch r.Filer.Kind {
	case vatreturn.FilerSelf:
	case vatreturn.FilerEnterprise:
		if r.Filer.CreditCode == "" {
			return &refusal{hallapi.ResultBadBody, "filer"}
		}
	default:
		return &refusal{hallapi.ResultBadBody, "filer"}
	}
	want := r
	if err := want.Compute(vatreturn.RulesFor(rules, p)); err != nil {
		return &refusal{hallapi.ResultBadAmount, "sales"}
	}
	if want.TaxPayable != r.TaxPayable || want.SmallExempt != r.SmallExempt || want.RateBP != r.RateBP ||
		want.Zero != r.Zero || want.Rules != r.Rules {
		return &refusal{hallapi.ResultTaxMismatch, want.TaxPayable.String()}
	}
	// The surcharges (附加税费) under the same rules: the message names the total they owe.
	if want.UrbanTax != r.UrbanTax || want.EducationSurcharge != r.EducationSurcharge ||
		want.LocalEducationSurcharge != r.LocalEducationSurcharge || want.UrbanRateBP != r.UrbanRateBP ||
		want.SurchargeReliefPct != r.SurchargeReliefPct {
		return &refusal{hallapi.ResultTaxMismatch, want.Surcharges().String()}
	}
	return nil
}
