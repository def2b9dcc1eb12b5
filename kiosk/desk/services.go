package desk

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Service names a taxpayer service the desk offers.
type Service string

const (
	ServiceVAT         Service = "vat_return"  // the small-scale taxpayer's VAT return, zero returns included
	ServiceCertificate Service = "certificate" // a tax payment certificate (完税证明), printed
	// ServiceInvoice is an application to collect paper invoices of an approved type (领用发票).
	ServiceInvoice Service = "invoice_collection"
	// ServicePayment pays outstanding taxes through the enterprise's tripartite agreement.
	ServicePayment Service = "tax_payment"
)

// Availability says whether a service can be started now, and if not, why: ReasonKey is a
// translation key the screen shows beside the disabled service, never hiding it.
type Availability struct {
	Service   Service
	Available bool
	ReasonKey string
}

// supervisor keeps what the desk knows of the devices a service needs, polled while the
// kiosk is idle between jobs, so a taxpayer learns before starting, not at the end.
type supervisor struct {
	mu       sync.Mutex
	printErr error // the printer's last status as an error; nil when ready
	checked  bool
	avail    []Availability
}

func (s *supervisor) setPrinter(err error) (changed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed = !s.checked || escpos.MessageKey(err) != escpos.MessageKey(s.printErr)
	s.printErr, s.checked = err, true
	return changed
}

// setAvailability records what Services said, and reports a change since last time (the
// network or the outbox state can change availability without the printer changing).
func (s *supervisor) setAvailability(a []Availability) (changed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed = !slices.Equal(a, s.avail)
	s.avail = a
	return changed
}

func (s *supervisor) printer() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.printErr
}

// Services lists every service with its availability, in screen order.
func (d *Desk) Services() []Availability {
	out := make([]Availability, 0, len(services))
	for _, s := range services {
		a := Availability{Service: s, Available: true}
		// Every service ends in paper (a receipt is the taxpayer's proof; a certificate is
		// paper): while the printer cannot print, the service waits and says why. Offline,
		// the policy's limits apply before the taxpayer starts, not at the end.
		switch {
		case d.maint.Load():
			a.Available, a.ReasonKey = false, "oos.body"
		case d.sup.printer() != nil:
			a.Available, a.ReasonKey = false, blockedByPrinter(d.sup.printer())
		default:
			if dec := d.policyCheck(serviceKinds[s], 0); !dec.Allowed {
				a.Available, a.ReasonKey = false, dec.ReasonKey
			}
		}
		out = append(out, a)
	}
	return out
}

// PrintBlocked is the reason key (service.blocked.*) while the printer cannot print, as
// last supervised or as the last job found it; "" while it can.
func (d *Desk) PrintBlocked() string {
	if err := d.sup.printer(); err != nil {
		return blockedByPrinter(err)
	}
	return ""
}

// Available reports whether service s can be started now.
func (d *Desk) Available(s Service) bool {
	for _, a := range d.Services() {
		if a.Service == s {
			return a.Available
		}
	}
	return false
}

// serviceKinds maps a service to the transaction kind its policy rule is named by.
var serviceKinds = map[Service]txn.Kind{
	ServiceVAT: txn.KindVATReturn, ServiceCertificate: txn.KindCertificate,
	ServiceInvoice: txn.KindInvoiceCollection, ServicePayment: txn.KindTaxPayment,
}

// services are the services a taxpayer can start, in screen order.
var services = []Service{ServiceVAT, ServiceInvoice, ServicePayment, ServiceCertificate}

// policyCheck asks the offline policy whether a transaction of kind may take amount now.
func (d *Desk) policyCheck(kind txn.Kind, amount money.Amount) policy.Decision {
	pending, err := d.outbox.PendingByKind()
	if err != nil {
		return policy.Decision{ReasonKey: "policy.out_of_service"}
	}
	snap := policy.SnapshotOf(d.uplink.Status().Online, d.outbox.Healthy() != nil, d.clock.Now(), pending)
	return d.policy().Check(string(kind), amount, snap)
}

// Admits asks the offline policy whether a transaction of kind worth amount would be
// accepted now, so that a service can say so before the taxpayer confirms (a VAT return
// over the offline limit is refused on its form, not after it): nil, or a
// *counter.RefusedError whose key and Args say why. Submit asks again at the commit.
func (d *Desk) Admits(kind txn.Kind, amount money.Amount) error {
	dec := d.policyCheck(kind, amount)
	if dec.Allowed {
		return nil
	}
	refused := &counter.RefusedError{ReasonKey: dec.ReasonKey}
	if dec.ReasonKey == policy.ReasonAmountOver {
		refused.Args = []any{"limit", dec.Limit.String()}
	}
	return refused
}

// blockedByPrinter names the text that explains a service waiting for the printer:
// printer.paper_out -> service.blocked.paper_out.
func blockedByPrinter(err error) string {
	return "service.blocked." + strings.TrimPrefix(escpos.MessageKey(err), "printer.")
}

// printerRecheck is how often a printer that cannot print is asked whether it can again.
// A status query is four bytes each way, so asking every second costs the line nothing.
const printerRecheck = time.Second

// recheckPrinter asks the printer that could not print whether it can now, and supervises
// at once if it can. Only the printer is asked: the reader's and scanner's two-in-a-row rule
// counts supervisions SuperviseEvery apart, and must not run faster while the paper is out.
func (d *Desk) recheckPrinter(ctx context.Context) {
	if !d.submitMu.TryLock() {
		return // a submission is printing; its outcome will tell
	}
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	st, err := d.printer.Status(qctx)
	cancel()
	d.submitMu.Unlock()
	if err == nil && st.Err() == nil {
		d.superviseOnce(ctx)
	}
}

// superviseOnce asks the printer for its status unless a job is printing.
func (d *Desk) superviseOnce(ctx context.Context) {
	if !d.submitMu.TryLock() {
		return // a submission is printing; its outcome will tell
	}
	defer d.submitMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	st, err := d.printer.Status(ctx)
	if err == nil {
		err = st.Err()
	}
	changed := d.sup.setPrinter(err)
	changed = d.superviseDevices(ctx, err) || changed
	if d.sup.setAvailability(d.Services()) || changed {
		d.emit(ServicesChanged{})
	}
}
