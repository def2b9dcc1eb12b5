package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// payer is the transaction that paid a tax item.
type payer struct {
	kiosk, txnID string
	at           time.Time
}

// ledger is the hall's record of the tax items paid through it. The stored approved
// tax_payment transactions are its source of truth: it is rebuilt from the Store's payments
// index (Store.Payments) on first use,
// so a restarted hall still refuses to take a payment twice.
//
// It also keeps the taxes owed from VAT returns filed at the hall's kiosks, rebuilt from the
// stored approved returns (Store.Returns): the registry knows what was owed when it was
// loaded, the ledger what the kiosks filed since, so a return with tax payable can be paid
// in the same visit.
//
// Over a SharedStore other halls add to the ledger too: load then reads what was stored
// since the last mark, every time.
type ledger struct {
	mu     sync.Mutex // held across decide and commit of every batch with a payment or a return
	loaded bool
	mark   int64                        // over a SharedStore: the highest ledger mark read
	paid   map[string]payer             // by itemKey
	owed   map[string][]hallapi.TaxItem // by normalised credit code, in filing order
}

func itemKey(creditCode, itemID string) string { return creditCode + "\x00" + itemID }

// load rebuilds the ledger from store once; over a SharedStore it reads, every time, what any
// hall stored since the last time. The caller holds mu.
func (l *ledger) load(ctx context.Context, store Store) error {
	if shared, ok := store.(SharedStore); ok {
		es, mark, err := shared.LedgerSince(ctx, l.mark)
		if err != nil {
			return fmt.Errorf("%w: reading payments and returns: %w", ErrStorage, err)
		}
		if !l.loaded {
			l.paid, l.owed, l.loaded = map[string]payer{}, map[string][]hallapi.TaxItem{}, true
		}
		for _, e := range es {
			l.record(e.Txn, e.Result)
		}
		l.mark = mark
		return nil
	}
	if l.loaded {
		return nil
	}
	es, err := store.Payments(ctx) // an index: a restart does not open every stored taxpayer
	if err != nil {
		return fmt.Errorf("%w: reading payments: %w", ErrStorage, err)
	}
	rs, err := store.Returns(ctx)
	if err != nil {
		return fmt.Errorf("%w: reading returns: %w", ErrStorage, err)
	}
	l.paid, l.owed = map[string]payer{}, map[string][]hallapi.TaxItem{}
	for _, e := range append(rs, es...) {
		l.record(e.Txn, e.Result)
	}
	l.loaded = true
	return nil
}

// record notes the items of an approved payment, or the taxes an approved VAT return owes.
// The caller holds mu.
func (l *ledger) record(t txn.Txn, r txn.Result) {
	if r.State != txn.Approved {
		return
	}
	if t.Kind == txn.KindVATReturn {
		l.recordReturn(t)
		return
	}
	if t.Kind != txn.KindTaxPayment {
		return
	}
	var b hallapi.TaxPaymentBody
	if json.Unmarshal(t.Body, &b) != nil {
		return
	}
	code := creditcode.Normalize(b.CreditCode) // as decide found the enterprise
	for _, id := range b.Items {
		k := itemKey(code, id)
		if _, done := l.paid[k]; !done {
			l.paid[k] = payer{kiosk: t.KioskID, txnID: t.ID, at: r.At}
		}
	}
}

// recordReturn notes the taxes an enterprise's approved VAT return owes (OwedItems). A
// return of one's own owes to the person, whom kiosks pay for only through an enterprise's
// tripartite agreement: it is paid at the counter or by the bank, and not listed here.
func (l *ledger) recordReturn(t txn.Txn) {
	var r vatreturn.Return
	if json.Unmarshal(t.Body, &r) != nil || r.Filer.Kind != vatreturn.FilerEnterprise {
		return
	}
	code := creditcode.Normalize(r.Filer.CreditCode)
	for _, it := range OwedItems(t.ID, r) {
		if _, known := findItem(l.owed[code], it.ID); !known {
			l.owed[code] = append(l.owed[code], it)
		}
	}
}

// OwedItems are the outstanding taxes a filed VAT return creates, none when nothing is
// payable: the VAT and each surcharge above zero, all due on the period's statutory last
// day (vatreturn.Period.Due). Their ids derive from the return's transaction id ("F-" + id +
// "-VAT", "-UMT", "-EDU", "-LEDU"), so the kiosk that filed it and the hall name them alike,
// and filing the same transaction twice owes once.
func OwedItems(txnID string, r vatreturn.Return) []hallapi.TaxItem {
	due, period := r.Period.DueDate(), r.Period.Code()
	var out []hallapi.TaxItem
	for _, l := range []struct {
		suffix, kind string
		amount       money.Amount
	}{
		{"VAT", "vat", r.TaxPayable},
		{"UMT", "urban_maintenance", r.UrbanTax},
		{"EDU", "education_surcharge", r.EducationSurcharge},
		{"LEDU", "local_education_surcharge", r.LocalEducationSurcharge},
	} {
		if l.amount > 0 {
			out = append(out, hallapi.TaxItem{ID: "F-" + txnID + "-" + l.suffix, TaxKind: l.kind, Name: registry.TaxName(l.kind),
				Period: period, Amount: l.amount, Due: due})
		}
	}
	return out
}

// view is the ledger as one batch sees it; the caller holds mu while using it.
func (l *ledger) view() *pending {
	return &pending{base: l.paid, added: map[string]payer{}, owed: l.owed}
}

// pending is the ledger plus the payments decided earlier in the batch being decided, which
// are not stored yet. A nil *pending knows no payments and no returns.
type pending struct {
	base, added map[string]payer
	owed        map[string][]hallapi.TaxItem // by credit code: taxes owed from filed returns
}

// owing adds to e's outstanding taxes the ones its filed returns owe, oldest due first.
func (p *pending) owing(e hallapi.Enterprise) hallapi.Enterprise {
	if p == nil || len(p.owed[e.CreditCode]) == 0 {
		return e
	}
	out := append([]hallapi.TaxItem{}, e.Outstanding...)
	for _, it := range p.owed[e.CreditCode] {
		if _, listed := findItem(out, it.ID); !listed {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b hallapi.TaxItem) int { return strings.Compare(a.Due, b.Due) })
	e.Outstanding = out
	return e
}

func (p *pending) lookup(creditCode, itemID string) (payer, bool) {
	if p == nil {
		return payer{}, false
	}
	k := itemKey(creditCode, itemID)
	if v, ok := p.added[k]; ok {
		return v, true
	}
	v, ok := p.base[k]
	return v, ok
}

func (p *pending) add(creditCode, itemID string, by payer) {
	if p == nil {
		return
	}
	if _, ok := p.lookup(creditCode, itemID); !ok {
		p.added[itemKey(creditCode, itemID)] = by
	}
}

// apply adds the taxes e's filed returns owe, then moves the enterprise's paid items from
// Outstanding to Certificates, as a certificate "P-" + item id paid on the payment's day
// (China Standard Time).
func (p *pending) apply(e hallapi.Enterprise) hallapi.Enterprise {
	if p == nil {
		return e
	}
	e = p.owing(e)
	out := make([]hallapi.TaxItem, 0, len(e.Outstanding))
	certs := append([]hallapi.Certificate{}, e.Certificates...)
	for _, it := range e.Outstanding {
		by, paid := p.lookup(e.CreditCode, it.ID)
		if !paid {
			out = append(out, it)
			continue
		}
		certs = append(certs, hallapi.Certificate{ID: "P-" + it.ID, TaxKind: it.TaxKind, Name: it.Name,
			Period: it.Period, Amount: it.Amount, PaidOn: by.at.In(chinaTime()).Format(time.DateOnly)})
	}
	e.Outstanding, e.Certificates = out, certs
	return e
}

// chinaTime is the hall's day for queue numbers and certificate dates.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// queue hands out numbers per business type and day. It lives in memory: a restarted hall
// starts the day's numbers again from 1.
type queue struct {
	mu     sync.Mutex
	day    string
	issued map[string]int
	called map[string]int
}

// businessLetter is the letter a business type's numbers start with.
func businessLetter(business string) string {
	switch business {
	case hallapi.BusinessFiling:
		return "A"
	case hallapi.BusinessInvoice:
		return "B"
	case hallapi.BusinessRegistration:
		return "C"
	case hallapi.BusinessConsulting:
		return "D"
	}
	return ""
}

func knownBusiness(b string) bool { return businessLetter(b) != "" }

func (q *queue) today(now time.Time) {
	if d := now.In(chinaTime()).Format(time.DateOnly); d != q.day {
		q.day, q.issued, q.called = d, map[string]int{}, map[string]int{}
	}
}

func number(business string, n int) string { return fmt.Sprintf("%s%03d", businessLetter(business), n) }

// take issues the next ticket of a known business type.
func (q *queue) take(business string, now time.Time) hallapi.Ticket {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.today(now)
	q.issued[business]++
	n := q.issued[business]
	return hallapi.Ticket{Business: business, Number: number(business, n), Waiting: n - 1 - q.called[business], IssuedAt: now.UTC()}
}

// call is a counter calling the next ticket of a business type.
func (q *queue) call(business string, now time.Time) hallapi.Ticket {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.today(now)
	t := hallapi.Ticket{Business: business, IssuedAt: now.UTC()}
	if q.called[business] < q.issued[business] {
		q.called[business]++
		t.Number = number(business, q.called[business])
	}
	t.Waiting = q.issued[business] - q.called[business]
	return t
}
