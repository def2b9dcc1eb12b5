package filing

import (
	"context"
	"strings"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// Counter is the front desk as filing uses it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Letterhead() counter.Letterhead
	Now() time.Time
	RefreshEnterprises(ctx context.Context) (list []hallapi.Enterprise, live bool)
	// Admits says whether the offline policy would accept a transaction of kind worth
	// amount now: nil, or a *counter.RefusedError.
	Admits(kind txn.Kind, amount money.Amount) error
}

// Opts configures the service.
type Opts struct {
	Catalog    *i18n.Catalog        // receipts' texts; required
	PeriodType vatreturn.PeriodType // the zero return's period; zero means monthly
	// Rules is the versioned table of small-scale VAT rates and thresholds; nil means
	// vatreturn.DefaultRules().
	Rules []vatreturn.Rules
}

// Service files VAT returns at the counter.
type Service struct {
	c Counter
	o Opts
}

// New is the VAT return service over counter c.
func New(c Counter, o Opts) *Service {
	if o.Rules == nil {
		o.Rules = vatreturn.DefaultRules()
	}
	if o.PeriodType == "" {
		o.PeriodType = vatreturn.Monthly
	}
	return &Service{c: c, o: o}
}

// Draft is the zero return for the current period, computed: the form starts from it.
func (s *Service) Draft() vatreturn.Return {
	r := vatreturn.Zero(vatreturn.CurrentPeriod(s.o.PeriodType, s.c.Now().In(s.c.Letterhead().Location)))
	r.Compute(vatreturn.RulesFor(s.o.Rules, r.Period)) // a zero return always computes
	return r
}

// Compute fills the computed fields of r under the rules for its period.
func (s *Service) Compute(r vatreturn.Return) (vatreturn.Return, error) {
	err := r.Compute(vatreturn.RulesFor(s.o.Rules, r.Period))
	return r, err
}

// Threshold is the exemption threshold for r's period, for the screen's note.
func (s *Service) Threshold(r vatreturn.Return) money.Amount {
	rules := vatreturn.RulesFor(s.o.Rules, r.Period)
	if r.Period.Type == vatreturn.Quarterly {
		return rules.QuarterlyThreshold
	}
	return rules.MonthlyThreshold
}

// Admits says, before the taxpayer confirms, whether r would be accepted now: nil, or the
// error Submit would give (a *counter.RefusedError from the offline policy, with the limit
// in its Args when the tax payable is over it; a form that does not compute). The screen
// keeps the form and shows the reason on it.
func (s *Service) Admits(r vatreturn.Return) error {
	r, err := s.Compute(r)
	if err != nil {
		return err
	}
	return s.c.Admits(txn.KindVATReturn, r.TaxPayable)
}

// Submit accepts a VAT return for the current taxpayer: commit, wait briefly for the hall,
// print. An error means nothing was accepted.
func (s *Service) Submit(ctx context.Context, r vatreturn.Return, lang i18n.Lang) (counter.Outcome, error) {
	tp, ok := s.c.Taxpayer()
	if !ok {
		return counter.Outcome{}, counter.ErrNoSession
	}
	r, err := s.Compute(r)
	if err != nil {
		return counter.Outcome{}, err
	}
	if r.Filer.Kind == "" {
		r.Filer.Kind = vatreturn.FilerSelf
	}
	head := s.c.Letterhead()
	out, err := s.c.Submit(ctx, counter.Submission{Kind: txn.KindVATReturn, Taxpayer: tp, Body: r.Body(), Amount: r.TaxPayable,
		Receipt: func(t txn.Txn, delivered bool) *escpos.Document {
			return receipt(s.o.Catalog, lang, head, t, r, tp, delivered)
		}})
	if err != nil || r.TaxPayable <= 0 {
		return out, err
	}
	out.Owed = &counter.Owed{Amount: r.Total(), Due: r.Period.DueDate(), CreditCode: r.Filer.CreditCode}
	if out.Delivered && r.Filer.Kind == vatreturn.FilerEnterprise {
		out.Owed.ItemIDs = s.owedItems(ctx, r.Filer.CreditCode, out.TxnID)
	}
	return out, nil
}

// owedItems asks the hall again whom the taxpayer acts for, after a return the hall has
// accepted with tax payable, so that the payment screens list the tax it now owes (the hall
// names them after the transaction: "F-" + id + "-VAT", "-UMT"...). It returns those items'
// ids, none when the hall does not list them (refused the return, or could not be asked).
func (s *Service) owedItems(ctx context.Context, creditCode, txnID string) []string {
	list, live := s.c.RefreshEnterprises(ctx)
	if !live {
		return nil // a cached list predates the return
	}
	var ids []string
	for _, e := range list {
		if e.CreditCode != creditcode.Normalize(creditCode) {
			continue
		}
		for _, it := range e.Outstanding {
			if strings.HasPrefix(it.ID, "F-"+txnID+"-") {
				ids = append(ids, it.ID)
			}
		}
	}
	return ids
}
