package countertest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Fake is a counter whose state the test sets through its fields before the service runs.
type Fake struct {
	mu sync.Mutex
	// At is the counter's clock.
	At time.Time
	// Person is the identified taxpayer; nil means no session.
	Person *txn.Taxpayer
	// List is whom the taxpayer acts for; Fresh is what the hall says when asked again
	// (RefreshEnterprises), live unless Offline.
	List, Fresh []hallapi.Enterprise
	Offline     bool
	// Delivered is what the sync loop's signal says of every receipt.
	Delivered bool
	// Refuse is the offline policy's reason key for every submission it decides; "" allows.
	Refuse string
	// Fail makes every commit fail as storage would.
	Fail error
	// Blocked is the printer's service.blocked.* key while it cannot print (PrintBlocked);
	// "" means it can.
	Blocked string
	// PrintFails is the printer's message key every Print answers with, printing nothing;
	// "" means papers print.
	PrintFails string
	// Head is the receipts' letterhead; its zero Location means UTC.
	Head counter.Letterhead
	// Outbox, when set, is where Submit commits (a real bbolt file, see OpenOutbox); nil
	// keeps the transactions in Accepted only.
	Outbox *outbox.Outbox

	// Accepted are the committed transactions, with the receipt each printed (nil: none).
	Accepted []Accepted
	// Printed are papers printed outside a submission (Print).
	Printed []*escpos.Document
	// AdmitsAmount are the amounts Admits was asked about, in order.
	AdmitsAmount []money.Amount
	// Touches counts Touch calls.
	Touches int
	seq     uint64
}

// Accepted is one committed transaction.
type Accepted struct {
	Txn     txn.Txn
	Always  bool
	Amount  money.Amount // what the offline policy was to count
	Receipt *escpos.Document
}

// Admits is what Submit would decide by the offline policy: Refuse, unless the submission
// needs no policy; AdmitsAmount records the amount asked about.
func (f *Fake) Admits(kind txn.Kind, amount money.Amount) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.AdmitsAmount = append(f.AdmitsAmount, amount)
	if f.Refuse != "" {
		return &counter.RefusedError{ReasonKey: f.Refuse}
	}
	return nil
}

// Taxpayer is the identified taxpayer.
func (f *Fake) Taxpayer() (*txn.Taxpayer, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Person, f.Person != nil
}

// Submit keeps the desk's order: check, policy, commit, receipt.
func (f *Fake) Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error) {
	if s.Check != nil {
		if err := s.Check(); err != nil {
			return counter.Outcome{}, err
		}
	}
	f.mu.Lock()
	refuse, fail, delivered := f.Refuse, f.Fail, f.Delivered
	f.mu.Unlock()
	if !s.Always && refuse != "" {
		return counter.Outcome{}, &counter.RefusedError{ReasonKey: refuse}
	}
	if fail != nil {
		return counter.Outcome{}, fmt.Errorf("%w: %v", counter.ErrNotAccepted, fail)
	}
	body, ok := s.Body.(json.RawMessage)
	if !ok {
		var err error
		if body, err = json.Marshal(s.Body); err != nil {
			return counter.Outcome{}, err
		}
	}
	at := s.At
	if at.IsZero() {
		at = f.Now()
	}
	f.mu.Lock()
	f.seq++
	t := txn.Txn{ID: fmt.Sprintf("T%d", f.seq), Seq: f.seq, KioskID: f.Head.KioskID, Kind: s.Kind, CreatedAt: at, Taxpayer: s.Taxpayer, Body: body}
	f.mu.Unlock()
	if f.Outbox != nil {
		var err error
		if t, err = f.Outbox.Enqueue(ctx, t); err != nil {
			return counter.Outcome{}, fmt.Errorf("%w: %v", counter.ErrNotAccepted, err)
		}
	}
	out := counter.Outcome{TxnID: t.ID, Kind: t.Kind, Seq: t.Seq, AcceptedAt: at}
	a := Accepted{Txn: t, Always: s.Always, Amount: s.Amount}
	if s.Receipt != nil {
		out.Delivered = delivered
		a.Receipt = s.Receipt(t, delivered)
		out.Receipt, out.Printed = a.Receipt.Text(48), true
	}
	f.mu.Lock()
	f.Accepted = append(f.Accepted, a)
	f.mu.Unlock()
	return out, nil
}

// Print records a paper printed outside a submission, unless PrintFails says the printer
// failed it.
func (f *Fake) Print(ctx context.Context, id string, doc *escpos.Document) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.PrintFails != "" {
		return f.PrintFails
	}
	f.Printed = append(f.Printed, doc)
	return ""
}

// PrintBlocked is Blocked.
func (f *Fake) PrintBlocked() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Blocked
}

// Letterhead is Head, in UTC unless it names a location.
func (f *Fake) Letterhead() counter.Letterhead {
	h := f.Head
	if h.Location == nil {
		h.Location = time.UTC
	}
	return h
}

// Now is At.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.At
}

// Enterprises is List while a taxpayer is identified.
func (f *Fake) Enterprises() []hallapi.Enterprise {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Person == nil {
		return nil
	}
	return f.List
}

// CardSession is a fixed card session read at At.
func (f *Fake) CardSession() hallapi.Session {
	return hallapi.Session{CardReadAt: f.Now().UTC(), SAMID: "05.01-20261205-0000001-1234567890"}
}

// RefreshEnterprises answers Fresh, which becomes List, unless Offline.
func (f *Fake) RefreshEnterprises(ctx context.Context) ([]hallapi.Enterprise, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Offline || f.Person == nil {
		return nil, false
	}
	f.List = f.Fresh
	return f.Fresh, true
}

// Online is !Offline.
func (f *Fake) Online() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.Offline
}

// Touch counts.
func (f *Fake) Touch() {
	f.mu.Lock()
	f.Touches++
	f.mu.Unlock()
}

// Kinds lists the kinds of the accepted transactions in order.
func (f *Fake) Kinds() []txn.Kind {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []txn.Kind
	for _, a := range f.Accepted {
		out = append(out, a.Txn.Kind)
	}
	return out
}
