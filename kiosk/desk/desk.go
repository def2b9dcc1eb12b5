package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
)

// CardReader is the ID-card reader as the desk uses it.
type CardReader interface {
	ReadCard(ctx context.Context) (*idcard.Card, error)
	Present(ctx context.Context) (bool, error)
}

// ReceiptPrinter is the receipt printer as the desk uses it.
type ReceiptPrinter interface {
	Print(ctx context.Context, job *escpos.Job) (*escpos.JobResult, error)
	Status(ctx context.Context) (escpos.Status, error)
}

// Outbox is the durable store of accepted transactions.
type Outbox interface {
	Enqueue(ctx context.Context, t txn.Txn) (txn.Txn, error)
	Get(id string) (outbox.Record, error)
	List(f outbox.Filter) ([]outbox.Record, error)
	Healthy() error // non-nil while storage is out of service for writes
	PendingByKind() (map[txn.Kind]outbox.KindPending, error)
}

// Uplink is the sync loop: Wake asks it to send now; Status says whether the hall answers.
type Uplink interface {
	Wake()
	Status() hallsync.SyncStatus
}

// Opts configures a Desk.
type Opts struct {
	KioskID        string
	HallName       string
	IdleTimeout    time.Duration        // zero means 60 s
	SyncWait       time.Duration        // how long a receipt waits for the hall's ack; zero means none
	PollEvery      time.Duration        // reader polling interval; zero means 300 ms
	SuperviseEvery time.Duration        // printer status polling interval; zero means 5 s
	Now            func() time.Time     // nil means time.Now
	Log            *slog.Logger         // nil means slog.Default()
	Catalog        *i18n.Catalog        // receipts' texts; required
	Location       *time.Location       // receipts' time zone; nil means Asia/Shanghai or UTC+8
	PeriodType     vatreturn.PeriodType // the zero return's period; zero means monthly
	Cabinet        Cabinet              // presence, door, help button, tower light; nil means none fitted
	// VATRules is the versioned table of small-scale VAT rates and thresholds; nil means
	// vatreturn.DefaultRules().
	VATRules []vatreturn.Rules
	// LiftGrace is how long the screen asks whether to finish after the ID card is lifted
	// before the session ends by itself; zero means 20 s.
	LiftGrace time.Duration
	// Policy says which services may be accepted while the hall is unreachable; the zero
	// Policy accepts nothing offline. Terminals pass the configured one.
	Policy policy.Policy
	// Journal records every receipt before it prints; nil means none (receipts lost to a
	// fault cannot then be printed again).
	Journal Journal
	// Hall answers lookups and invoice checks while the taxpayer waits; nil means never asked.
	Hall HallServices
	// Enterprises keeps the hall's lookups for when it cannot be reached; nil means no cache.
	Enterprises EnterpriseCache
	// TechnicianPINs are scrypt hashes (maint.HashPIN) of the PINs that open maintenance.
	TechnicianPINs []string
	// TechnicianCards are scrypt hashes (maint.HashCard) of the ID numbers of technicians
	// whose card, placed while the PIN pad shows, opens maintenance instead of a PIN.
	TechnicianCards []string
	// Devices reports every device in the common status model, for supervision (the ID-card
	// reader and the scanner; the printer the desk asks itself); nil means not supervised.
	Devices func() []device.Status
	// OutOfServiceAfter is how long printing must stay impossible before the kiosk takes
	// itself out of service and lights the tower light; zero means 2 minutes. Until then
	// the services wait with their reason, so a paper change does not close the kiosk.
	OutOfServiceAfter time.Duration
}

// Desk is the front desk. Use New, then Run in its own goroutine.
type Desk struct {
	reader  CardReader
	printer ReceiptPrinter
	outbox  Outbox
	uplink  Uplink
	opts    Opts
	log     *slog.Logger
	sess    *session.Manager
	events  chan Event
	sup     supervisor
	lift    liftWatch
	lockout maint.Lockout
	tower   tower
	health  health
	live    live
	// awaitTech: the PIN pad is open, so a card placed now is a technician's, checked
	// against the allow list; techSeen is the last technician's card seen (refused, or
	// opening maintenance), read again only after it has left the reader.
	awaitTech atomic.Bool
	techSeen  string
	ents      enterprises
	maint     atomic.Bool
	// checkLeft: a session ended while its card may still lie on the reader (Finish, idle
	// timeout); cardLeft: it does, as CardOnReader last said.
	checkLeft, cardLeft atomic.Bool

	submitMu sync.Mutex            // one submission at a time
	where    atomic.Pointer[where] // the screen and last message the UI noted, for help calls
}

// New assembles a desk.
func New(reader CardReader, printer ReceiptPrinter, ob Outbox, up Uplink, opts Opts) *Desk {
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	if opts.PollEvery == 0 {
		opts.PollEvery = 300 * time.Millisecond
	}
	if opts.SuperviseEvery == 0 {
		opts.SuperviseEvery = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Location == nil {
		opts.Location = chinaTime()
	}
	if opts.LiftGrace == 0 {
		opts.LiftGrace = 20 * time.Second
	}
	if opts.OutOfServiceAfter == 0 {
		opts.OutOfServiceAfter = 2 * time.Minute
	}
	if opts.VATRules == nil {
		opts.VATRules = vatreturn.DefaultRules()
	}
	if opts.PeriodType == "" {
		opts.PeriodType = vatreturn.Monthly
	}
	return &Desk{
		reader: reader, printer: printer, outbox: ob, uplink: up, opts: opts, log: opts.Log,
		sess:   session.New(opts.IdleTimeout, opts.Now),
		events: make(chan Event, 64),
		tower:  tower{cab: opts.Cabinet, log: opts.Log},
		live:   live{syncWait: opts.SyncWait, hallName: opts.HallName, policy: opts.Policy},
	}
}

func chinaTime() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}

// Events delivers what the screens must react to. There is one consumer: the UI bridge.
func (d *Desk) Events() <-chan Event { return d.events }

func (d *Desk) emit(e Event) {
	select {
	case d.events <- e:
	default: // a stalled screen must not stall the reader; the next event brings it up to date
		d.log.Warn("desk: event dropped", "event", fmt.Sprintf("%T", e))
	}
}

// Run watches the reader and the session clock until ctx ends.
func (d *Desk) Run(ctx context.Context) {
	t := time.NewTicker(d.opts.PollEvery)
	defer t.Stop()
	var cabinet <-chan gpio.Event
	if d.opts.Cabinet != nil {
		cabinet = d.opts.Cabinet.Events()
	}
	var lastFail string
	var presenceCheck, supervised time.Time
	misses := 0 // consecutive "no card" answers while a session runs
	for {
		select {
		case <-ctx.Done(): // the kiosk is stopping: the taxpayer's data leaves memory
			d.EndSession(session.Shutdown)
			return
		case e, ok := <-cabinet:
			if !ok {
				cabinet = nil
				continue
			}
			d.cabinetEvent(ctx, e)
			continue
		case <-t.C:
		}
		if time.Since(supervised) >= d.opts.SuperviseEvery {
			d.superviseOnce(ctx)
			supervised = time.Now()
		}
		if d.sess.Active() {
			if d.sess.Expired() {
				d.end(session.Idle)
				continue
			}
			if time.Since(presenceCheck) < 2*d.opts.PollEvery {
				continue
			}
			presenceCheck = time.Now()
			switch d.lift.state(d.opts.Now(), d.opts.LiftGrace) {
			case liftAsked, liftKept:
				// Lifted, and the screen asks or the taxpayer chose to go on without the
				// card: a card placed now is read, so that only the same person's card
				// takes the session back and another's starts its own.
				d.cardDuringLift(ctx)
				continue
			case liftExpired:
				d.end(session.CardLifted)
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			present, err := d.reader.Present(cctx)
			cancel()
			// A reader that stops answering cannot tell us the card left; the idle
			// timeout still ends the session. One "no card" answer may be a card slid
			// across the antenna, so the question comes on the second in a row.
			switch {
			case err != nil:
			case present:
				misses = 0
			default:
				if misses++; misses >= 2 {
					misses = 0
					d.lift.ask(d.opts.Now())
					d.log.Info("desk: card lifted; asking whether to finish")
					d.emit(CardLifted{Grace: d.opts.LiftGrace})
				}
			}
			continue
		}
		tech := d.awaitTech.Load()
		if d.maint.Load() || (d.OutOfService() != "" && !tech) {
			continue // out of taxpayer service: a card placed now is not read
		}
		if d.checkLeft.Load() {
			d.watchLeftCard(ctx)
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		card, err := d.reader.ReadCard(cctx)
		cancel()
		switch {
		case err == nil && tech:
			d.technicianCard(ctx, card)
		case err == nil && d.techSeen != "" && cardTag(card) == d.techSeen:
			wipe(card) // the technician's card, still there after maintenance
		case err == nil:
			lastFail, misses = "", 0
			d.startSession(ctx, card)
		case errors.Is(err, idcard.ErrNoCard) || ctx.Err() != nil:
			lastFail, d.techSeen = "", ""
		default:
			n := idcard.NoticeFor(err)
			if n.Key != lastFail { // say it once, not every poll
				d.log.Warn("desk: card read failed", "err", err)
				d.emit(CardFailed{MessageKey: n.Key})
			}
			lastFail = n.Key
		}
	}
}

// startSession begins the session of the card just read.
func (d *Desk) startSession(ctx context.Context, card *idcard.Card) {
	d.checkLeft.Store(false)
	d.cardLeft.Store(false)
	id := card.IDNumber
	p := d.sess.Begin(card)
	d.ents.set(nil, time.Time{})
	d.beginSession(ctx)
	d.log.Info("desk: session started", "taxpayer", card.String())
	d.emit(SessionStarted{Person: p})
	d.lookupEnterprises(ctx, id)
}

// cardDuringLift reads a card placed while the session's card is lifted. The same ID number
// is the taxpayer back: the session goes on. Any other card is another person: the session
// ends (its data wiped) and the new card's begins, so that nobody continues someone else's.
func (d *Desk) cardDuringLift(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	card, err := d.reader.ReadCard(cctx)
	cancel()
	if err != nil {
		return // no card, or not readable yet: the grace goes on
	}
	if tp, ok := d.sess.Taxpayer(); ok && tp.IDNumber == card.IDNumber {
		wipe(card)
		d.lift.reset()
		d.log.Info("desk: the taxpayer's card is back; the session goes on")
		d.emit(CardReturned{})
		return
	}
	d.end(session.CardChanged)
	d.startSession(ctx, card)
}

// watchLeftCard tells the screens whether the last session's card still lies on the reader,
// so that the idle screen asks for it to be taken rather than for a card to be placed, and
// stops watching once it has gone.
func (d *Desk) watchLeftCard(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	present, err := d.reader.Present(cctx)
	cancel()
	if err != nil {
		return // the reader's own state is reported by supervision
	}
	if d.cardLeft.Swap(present) != present {
		d.emit(CardOnReader{On: present})
	}
	if !present {
		d.checkLeft.Store(false)
	}
}

func (d *Desk) end(r session.EndReason) {
	d.lift.reset()
	d.ents.set(nil, time.Time{})
	if r == session.Finished || r == session.Idle {
		d.checkLeft.Store(true) // the card was not seen to leave
	}
	if d.sess.End() {
		d.log.Info("desk: session ended", "reason", r)
		d.emit(SessionEnded{Reason: r})
	}
}

// KeepSession answers the card-lifted question with "go on": the session continues without
// the card until Finish or the idle timeout.
func (d *Desk) KeepSession() { d.lift.keep() }

// EndSession ends the taxpayer's session (Finish tapped, or shutdown).
func (d *Desk) EndSession(r session.EndReason) { d.end(r) }

// Touch tells the desk the taxpayer is still there.
func (d *Desk) Touch() { d.sess.Touch() }

// Remaining is the time before the session idles out.
func (d *Desk) Remaining() time.Duration { return d.sess.Remaining() }

// Person is the masked view of the current taxpayer.
func (d *Desk) Person() (session.Person, bool) { return d.sess.Person() }

// VATDraft is the zero return for the current period, computed: the form starts from it.
func (d *Desk) VATDraft() vatreturn.Return {
	r := vatreturn.Zero(vatreturn.CurrentPeriod(d.opts.PeriodType, d.opts.Now().In(d.opts.Location)))
	r.Compute(vatreturn.RulesFor(d.opts.VATRules, r.Period)) // a zero return always computes
	return r
}

// ComputeVAT fills the computed fields of r under the rules for its period.
func (d *Desk) ComputeVAT(r vatreturn.Return) (vatreturn.Return, error) {
	err := r.Compute(vatreturn.RulesFor(d.opts.VATRules, r.Period))
	return r, err
}

// VATThreshold is the exemption threshold for r's period, for the screen's note.
func (d *Desk) VATThreshold(r vatreturn.Return) money.Amount {
	rules := vatreturn.RulesFor(d.opts.VATRules, r.Period)
	if r.Period.Type == vatreturn.Quarterly {
		return rules.QuarterlyThreshold
	}
	return rules.MonthlyThreshold
}

// Outcome is what became of a submitted transaction.
type Outcome struct {
	TxnID      string
	Kind       txn.Kind // the service, which is all a rating of the visit may name
	Seq        uint64
	Delivered  bool   // the hall acknowledged it before the receipt printed
	Printed    bool   // the receipt printed in full
	PrintKey   string // why the receipt did not print (a printer.* message key), or ""
	Receipt    string // the receipt as text, for the screen
	AcceptedAt time.Time
	// Owed is what a VAT return with tax payable owes, for the result screen; nil for
	// anything else.
	Owed *Owed
}

// Owed is the tax a filed VAT return owes (the VAT and its surcharges) and how it can be paid.
type Owed struct {
	Amount money.Amount // vatreturn.Return.Total
	Due    string       // the statutory last day, "2026-12-15" (vatreturn.Period.Due)
	// CreditCode is the enterprise that owes it; "" for one's own return, which the kiosk
	// cannot take payment for (payments need an enterprise's tripartite agreement).
	CreditCode string
	// ItemIDs are the outstanding items the hall lists for it, once it does: the payment
	// screens offer them in the same visit. None while the hall has not listed them
	// (offline, or not yet approved).
	ItemIDs []string
}

// SubmitVATReturn accepts a VAT return for the current taxpayer: commit, wait briefly for the
// hall, print. An error means nothing was accepted.
func (d *Desk) SubmitVATReturn(ctx context.Context, r vatreturn.Return, lang i18n.Lang) (Outcome, error) {
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	tp, ok := d.sess.Taxpayer()
	if !ok {
		return Outcome{}, ErrNoSession
	}
	r, err := d.ComputeVAT(r)
	if err != nil {
		return Outcome{}, err
	}
	if r.Filer.Kind == "" {
		r.Filer.Kind = vatreturn.FilerSelf
	}
	if dec := d.policyCheck(ServiceVAT, r.TaxPayable); !dec.Allowed {
		return Outcome{}, &RefusedError{ReasonKey: dec.ReasonKey}
	}
	out, err := d.submit(ctx, txn.KindVATReturn, tp, r.Body(), func(t txn.Txn, delivered bool) *escpos.Document {
		return d.vatReceipt(t, r, tp, delivered, lang)
	})
	if err != nil || r.TaxPayable <= 0 {
		return out, err
	}
	out.Owed = &Owed{Amount: r.Total(), Due: r.Period.DueDate(), CreditCode: r.Filer.CreditCode}
	if out.Delivered && r.Filer.Kind == vatreturn.FilerEnterprise {
		out.Owed.ItemIDs = d.refreshOwed(ctx, tp.IDNumber, r.Filer.CreditCode, out.TxnID)
	}
	return out, nil
}

// refreshOwed asks the hall again whom the taxpayer acts for, after a return the hall has
// accepted with tax payable, so that the payment screens list the tax it now owes (the hall
// names them after the transaction: "F-" + id + "-VAT", "-UMT"...). It returns those items'
// ids, none when the hall does not list them (refused the return, or could not be asked).
func (d *Desk) refreshOwed(ctx context.Context, idNumber, creditCode, txnID string) []string {
	list, cachedAt, err := d.askHallOrCache(ctx, idNumber)
	if err != nil || !cachedAt.IsZero() {
		return nil // a cached list predates the return
	}
	var ids []string
	d.ents.set(list, cachedAt)
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

// submit is how a taxpayer's service ends: the transaction is accepted (committed), the sync
// loop gets SyncWait to deliver it, and the receipt that receipt lays out prints, saying
// whether the hall already has it. An error means nothing was accepted; a printer fault
// after acceptance is in the Outcome, never an error.
func (d *Desk) submit(ctx context.Context, kind txn.Kind, tp *txn.Taxpayer, body any, receipt func(t txn.Txn, delivered bool) *escpos.Document) (Outcome, error) {
	return d.submitAt(ctx, d.opts.Now(), kind, tp, body, receipt)
}

// submitAt is submit for a transaction dated at: a body priced by the day (a payment's
// late-payment surcharge) is dated by the instant that priced it.
func (d *Desk) submitAt(ctx context.Context, at time.Time, kind txn.Kind, tp *txn.Taxpayer, body any, receipt func(t txn.Txn, delivered bool) *escpos.Document) (Outcome, error) {
	d.sess.Touch()
	t, err := d.acceptAt(ctx, at, kind, tp, body)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{TxnID: t.ID, Kind: kind, Seq: t.Seq, AcceptedAt: t.CreatedAt}
	out.Delivered = d.waitDelivered(ctx, t.ID)
	doc := receipt(t, out.Delivered)
	out.Receipt = doc.Text(48)
	out.Printed, out.PrintKey = d.print(ctx, &escpos.Job{ID: t.ID, Doc: doc})
	d.sess.Touch()
	return out, nil
}

// waitDelivered gives the sync loop up to SyncWait to get the hall's acknowledgement.
func (d *Desk) waitDelivered(ctx context.Context, id string) bool {
	if d.syncWait() <= 0 {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, d.syncWait())
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if rec, err := d.outbox.Get(id); err == nil && rec.State != txn.Queued && rec.State != txn.Sending {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// accept commits a transaction of kind with body v (marshalled to JSON unless it already is)
// and the taxpayer's personal data, if any, and wakes the sync loop. It is the one way the
// desk accepts anything: an error means nothing was accepted.
func (d *Desk) accept(ctx context.Context, kind txn.Kind, tp *txn.Taxpayer, v any) (txn.Txn, error) {
	return d.acceptAt(ctx, d.opts.Now(), kind, tp, v)
}

// acceptAt is accept for a transaction created at at.
func (d *Desk) acceptAt(ctx context.Context, at time.Time, kind txn.Kind, tp *txn.Taxpayer, v any) (txn.Txn, error) {
	body, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if body, err = json.Marshal(v); err != nil {
			return txn.Txn{}, err
		}
	}
	t, err := d.outbox.Enqueue(ctx, txn.Txn{KioskID: d.opts.KioskID, Kind: kind, CreatedAt: at, Taxpayer: tp, Body: body})
	if err != nil {
		d.log.Error("desk: transaction not accepted", "kind", kind, "err", err)
		return txn.Txn{}, fmt.Errorf("%w: %v", ErrNotAccepted, err)
	}
	d.log.Info("desk: transaction accepted", "id", t.ID, "seq", t.Seq, "kind", t.Kind, "taxpayer", tp.String())
	d.uplink.Wake()
	return t, nil
}
