package desk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/clock"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/policy"
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

// Uplink is the sync loop: Wake asks it to send now; Status says whether the hall answers;
// Settled signals the hall's answer on one transaction (hallsync.Syncer.Settled).
type Uplink interface {
	Wake()
	Status() hallsync.SyncStatus
	Settled(id string) (<-chan struct{}, func())
}

// Opts configures a Desk.
type Opts struct {
	KioskID        string
	HallName       string
	IdleTimeout    time.Duration  // zero means 60 s
	SyncWait       time.Duration  // how long a receipt waits for the hall's answer; zero means none
	PollEvery      time.Duration  // reader polling interval; zero means 300 ms
	SuperviseEvery time.Duration  // printer status polling interval; zero means 5 s
	Clock          clock.Clock    // sessions, grace periods, supervision, receipts; nil means clock.Real()
	Log            *slog.Logger   // nil means slog.Default()
	Location       *time.Location // receipts' and history's time zone; nil means Asia/Shanghai or UTC+8
	Cabinet        Cabinet        // presence, door, help button, tower light; nil means none fitted
	// LiftGrace is how long the screen asks whether to finish after the ID card is lifted
	// before the session ends by itself; zero means 20 s.
	LiftGrace time.Duration
	// Policy says which services may be accepted while the hall is unreachable; the zero
	// Policy accepts nothing offline. Terminals pass the configured one.
	Policy policy.Policy
	// Journal records every receipt before it prints; nil means none (receipts lost to a
	// fault cannot then be printed again).
	Journal Journal
	// Hall answers whom a taxpayer may act for; nil means never asked.
	Hall EnterpriseLookup
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
	clock   clock.Clock
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
	// doorOpen: the cabinet door stands open; the kiosk takes no new taxpayer (OutOfService).
	doorOpen atomic.Bool
	techSeen string
	ents     enterprises
	maint    atomic.Bool
	// checkLeft: a session ended while its card may still lie on the reader (Finish, idle
	// timeout); cardLeft: it does, as CardOnReader last said.
	checkLeft, cardLeft atomic.Bool

	submitMu sync.Mutex // one receipt at a time, and a service's check with its commit

	where atomic.Pointer[where] // the screen and last message the UI noted, for help calls
	help  openCall              // the call for the expert seat that may still be cancelled
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
	if opts.Clock == nil {
		opts.Clock = clock.Real()
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
	return &Desk{
		reader: reader, printer: printer, outbox: ob, uplink: up, opts: opts, clock: opts.Clock, log: opts.Log,
		sess:   session.New(opts.IdleTimeout, opts.Clock.Now),
		events: make(chan Event, 64),
		tower:  tower{cab: opts.Cabinet, log: opts.Log, clock: opts.Clock},
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

// Post delivers a service's own event (a scanned code's view) to the screens with the desk's.
func (d *Desk) Post(e Event) { d.emit(e) }

func (d *Desk) emit(e Event) {
	select {
	case d.events <- e:
	default: // a stalled screen must not stall the reader; the next event brings it up to date
		d.log.Warn("desk: event dropped", "event", fmt.Sprintf("%T", e))
	}
}

// Now is the desk's clock: the time transactions and receipts are dated by.
func (d *Desk) Now() time.Time { return d.clock.Now() }

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

// Taxpayer is the personal data of the identified taxpayer a transaction carries; ok is
// false with no session.
func (d *Desk) Taxpayer() (*txn.Taxpayer, bool) { return d.sess.Taxpayer() }

// Online reports whether the sync loop's last exchange with the hall succeeded.
func (d *Desk) Online() bool { return d.uplink.Status().Online }
