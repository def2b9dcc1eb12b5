package policy

import (
	"fmt"
	"sort"
	"time"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/txn"
)

// Mode is how a service behaves while the hall is unreachable.
type Mode string

const (
	OfflineOK      Mode = "offline_ok"
	OnlineOnly     Mode = "online_only"
	OfflineLimited Mode = "offline_limited"
)

// Reason keys: translation keys for the screen that turns the taxpayer away.
const (
	ReasonOnlineOnly = "policy.online_only"
	ReasonTooMany    = "policy.too_many_queued"
	ReasonTooLong    = "policy.offline_too_long"
	ReasonAmount     = "policy.offline_amount"
	// ReasonAmountOver: this transaction alone is worth more than the offline limit, so no
	// wait for other transactions to reach the hall would let it in; Decision.Limit says
	// how much is.
	ReasonAmountOver   = "policy.offline_amount_over"
	ReasonOutOfService = "policy.out_of_service"
)

// Rule is one service's offline policy. The limits are for offline_limited only.
type Rule struct {
	Mode Mode `json:"mode"`
	// MaxQueued: at most this many of the service's transactions wait for the hall, the new
	// one included. Zero: no limit on the count.
	MaxQueued int `json:"max_queued,omitempty"`
	// MaxAge: refuse once the oldest waiting transaction of the service is older. Zero: no
	// limit on age.
	MaxAge jsontime.Duration `json:"max_offline_age,omitempty"`
	// MaxAmount: the amounts waiting, the new one included, stay at or below it. Nil: no
	// limit on the sum; "0.00" allows only transactions without an amount (zero returns).
	MaxAmount *money.Amount `json:"max_offline_amount,omitempty"`
}

// Policy is the offline policy of every service, as kept in the kiosk's configuration.
type Policy struct {
	Default  Rule            `json:"default"`  // services not listed; zero Mode: online_only
	Services map[string]Rule `json:"services"` // by service name (a txn.Kind: "vat_return")
}

// Defaults: VAT returns are taken offline up to 200 waiting, 72 h and 50,000.00 yuan of tax
// payable; invoice collection applications up to 200 waiting and 72 h (they carry no amount:
// the hall approves the quantity later); tax payments and unknown services need the hall.
func Defaults() Policy {
	amount := money.Yuan(50000)
	return Policy{
		Default: Rule{Mode: OnlineOnly},
		Services: map[string]Rule{
			string(txn.KindVATReturn):         {Mode: OfflineLimited, MaxQueued: 200, MaxAge: jsontime.Duration(72 * time.Hour), MaxAmount: &amount},
			string(txn.KindInvoiceCollection): {Mode: OfflineLimited, MaxQueued: 200, MaxAge: jsontime.Duration(72 * time.Hour)},
			string(txn.KindTaxPayment):        {Mode: OnlineOnly},
		},
	}
}

// Validate reports the first rule that is wrong, by its JSON path.
func (p Policy) Validate() error {
	if err := p.Default.validate("default"); err != nil {
		return err
	}
	names := make([]string, 0, len(p.Services))
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" {
			return fmt.Errorf("%w: services: empty service name", ErrInvalid)
		}
		if err := p.Services[name].validate("services." + name); err != nil {
			return err
		}
	}
	return nil
}

func (r Rule) validate(path string) error {
	bad := func(field, why string) error { return fmt.Errorf("%w: %s.%s: %s", ErrInvalid, path, field, why) }
	hasLimit := r.MaxQueued != 0 || r.MaxAge != 0 || r.MaxAmount != nil
	switch {
	case r.Mode != "" && r.Mode != OfflineOK && r.Mode != OnlineOnly && r.Mode != OfflineLimited:
		return bad("mode", `must be "offline_ok", "online_only" or "offline_limited"`)
	case r.MaxQueued < 0:
		return bad("max_queued", "must not be negative")
	case r.MaxAge < 0:
		return bad("max_offline_age", "must not be negative")
	case r.MaxAmount != nil && *r.MaxAmount < 0:
		return bad("max_offline_amount", "must not be negative")
	case r.Mode == OfflineLimited && !hasLimit:
		return bad("mode", "offline_limited needs max_queued, max_offline_age or max_offline_amount")
	case r.Mode != OfflineLimited && hasLimit:
		return bad("mode", "limits apply only to offline_limited")
	}
	return nil
}

// Rule is the rule that applies to service.
func (p Policy) Rule(service string) Rule {
	r, ok := p.Services[service]
	if !ok {
		r = p.Default
	}
	if r.Mode == "" {
		r.Mode = OnlineOnly
	}
	return r
}

// Pending is what waits for the hall of one service.
type Pending struct {
	Count  int
	Amount money.Amount
	Oldest time.Time // CreatedAt of the oldest; zero when Count is 0
}

// Snapshot is what Check decides on.
type Snapshot struct {
	Online       bool               // the hall answered the last exchange
	OutOfService bool               // the outbox cannot store transactions (outbox.Healthy)
	Now          time.Time          // for the age of the oldest waiting transaction
	Pending      map[string]Pending // by service
}

// SnapshotOf builds a Snapshot from what waits per kind of transaction (the outbox's
// PendingByKind).
func SnapshotOf(online, outOfService bool, now time.Time, pending map[txn.Kind]txn.Pending) Snapshot {
	s := Snapshot{Online: online, OutOfService: outOfService, Now: now, Pending: make(map[string]Pending, len(pending))}
	for k, p := range pending {
		s.Pending[string(k)] = Pending{Count: p.Count, Amount: p.Amount, Oldest: p.Oldest}
	}
	return s
}

// Decision is Check's answer. ReasonKey is empty when Allowed. Limit, for an amount refused
// (ReasonAmountOver), is the most the rule takes offline, for the words that say so.
type Decision struct {
	Allowed   bool
	ReasonKey string
	Limit     money.Amount
}

// Check decides whether a transaction of service worth amount may be taken now.
func (p Policy) Check(service string, amount money.Amount, st Snapshot) Decision {
	deny := func(key string) Decision { return Decision{ReasonKey: key} }
	if st.OutOfService {
		return deny(ReasonOutOfService) // nothing can be kept, online or not
	}
	r := p.Rule(service)
	if st.Online {
		return Decision{Allowed: true}
	}
	switch r.Mode {
	case OfflineOK:
		return Decision{Allowed: true}
	case OfflineLimited:
	default:
		return deny(ReasonOnlineOnly)
	}
	q := st.Pending[service]
	switch {
	case r.MaxQueued > 0 && q.Count+1 > r.MaxQueued:
		return deny(ReasonTooMany)
	case r.MaxAge > 0 && q.Count > 0 && st.Now.Sub(q.Oldest) > time.Duration(r.MaxAge):
		return deny(ReasonTooLong)
	case r.MaxAmount != nil && amount > *r.MaxAmount:
		return Decision{ReasonKey: ReasonAmountOver, Limit: *r.MaxAmount}
	case r.MaxAmount != nil && q.Amount+amount > *r.MaxAmount:
		return deny(ReasonAmount)
	}
	return Decision{Allowed: true}
}
