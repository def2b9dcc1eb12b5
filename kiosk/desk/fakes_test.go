package desk_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/clock/clocktest"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter/countertest"
)

// reader is an ID-card reader in-process: the card lying on it, or none.
type reader struct {
	mu   sync.Mutex
	card *idcard.Card
	// during, when set, runs once while a card is being read: what happens on the screen in
	// the seconds a real read takes.
	during func()
}

func (r *reader) place(c idcard.Card) { r.mu.Lock(); r.card = &c; r.mu.Unlock() }
func (r *reader) lift()               { r.mu.Lock(); r.card = nil; r.mu.Unlock() }

func (r *reader) ReadCard(ctx context.Context) (*idcard.Card, error) {
	r.mu.Lock()
	during := r.during
	r.during = nil
	r.mu.Unlock()
	if during != nil {
		during()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card == nil {
		return nil, idcard.ErrNoCard
	}
	c := *r.card
	return &c, nil
}

func (r *reader) Present(ctx context.Context) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.card != nil, nil
}

// printer is a receipt printer in-process: its status, and the jobs it printed.
type printer struct {
	mu     sync.Mutex
	status escpos.Status
	jobs   []*escpos.Job
}

func (p *printer) set(st escpos.Status) { p.mu.Lock(); p.status = st; p.mu.Unlock() }

func (p *printer) Status(ctx context.Context) (escpos.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status, nil
}

func (p *printer) Print(ctx context.Context, job *escpos.Job) (*escpos.JobResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.status.Err(); err != nil {
		return nil, err
	}
	p.jobs = append(p.jobs, job)
	return &escpos.JobResult{ID: job.ID, State: escpos.JobPrinted}, nil
}

func (p *printer) printed() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.jobs) }

// uplink is the sync loop in-process: wakes are counted on a channel; the test answers for
// the hall with deliver.
type uplink struct {
	mu      sync.Mutex
	online  bool
	untried bool // no exchange with the hall has ended yet
	woken   chan struct{}
	waiting map[string]chan struct{}
}

func (u *uplink) Wake() {
	select {
	case u.woken <- struct{}{}:
	default:
	}
}

func (u *uplink) Status() hallsync.SyncStatus {
	u.mu.Lock()
	defer u.mu.Unlock()
	return hallsync.SyncStatus{Online: u.online, Tried: !u.untried}
}

func (u *uplink) Settled(id string) (<-chan struct{}, func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	ch := make(chan struct{})
	u.waiting[id] = ch
	return ch, func() { u.mu.Lock(); delete(u.waiting, id); u.mu.Unlock() }
}

// deliver is the hall's acknowledgement of id: committed, then signalled.
func (u *uplink) deliver(t *testing.T, ob *outbox.Outbox, id string) {
	t.Helper()
	if err := ob.Ack([]string{id}, time.Now()); err != nil {
		t.Fatal(err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if ch, ok := u.waiting[id]; ok {
		close(ch)
		delete(u.waiting, id)
	}
}

// cabinet records the tower light, and tells each change on modes.
type cabinet struct {
	mu     sync.Mutex
	events chan gpio.Event
	tower  gpio.TowerMode
	modes  chan gpio.TowerMode
}

func (c *cabinet) Events() <-chan gpio.Event { return c.events }
func (c *cabinet) SetTowerLight(m gpio.TowerMode) error {
	c.mu.Lock()
	c.tower = m
	c.mu.Unlock()
	c.modes <- m
	return nil
}
func (c *cabinet) light() gpio.TowerMode { c.mu.Lock(); defer c.mu.Unlock(); return c.tower }

// counterDesk is a desk over in-process devices, a real outbox file and a fake clock.
type counterDesk struct {
	*desk.Desk
	t       *testing.T
	clock   *clocktest.Fake
	reader  *reader
	printer *printer
	uplink  *uplink
	outbox  *outbox.Outbox
	cabinet *cabinet
}

var start = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

var card = idcard.Card{Name: "张建国", IDNumber: "410403196804153016", CardType: "resident"}

// newDesk is a desk on the fake clock, online, the printer ready; tune changes its options.
func newDesk(t *testing.T, tune func(*desk.Opts)) *counterDesk {
	t.Helper()
	k := &counterDesk{t: t, clock: clocktest.New(start), reader: &reader{}, printer: &printer{status: escpos.Status{Online: true, Paper: escpos.PaperOK}},
		uplink: &uplink{online: true, woken: make(chan struct{}, 1), waiting: map[string]chan struct{}{}}, cabinet: &cabinet{events: make(chan gpio.Event), tower: gpio.TowerOff, modes: make(chan gpio.TowerMode, 64)}}
	k.outbox = countertest.OpenOutbox(t, "K-TEST")
	o := desk.Opts{KioskID: "K-TEST", Clock: k.clock, Location: time.UTC, Cabinet: k.cabinet, Policy: policy.Defaults(),
		PollEvery: 100 * time.Millisecond, SuperviseEvery: time.Second}
	if tune != nil {
		tune(&o)
	}
	k.Desk = desk.New(k.reader, k.printer, k.outbox, k.uplink, o)
	return k
}

// run runs the reader loop until the test ends, and waits until it has its two tickers.
func (k *counterDesk) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); k.Run(ctx) }()
	k.t.Cleanup(func() { cancel(); <-done })
	k.clock.WaitFor(2)
}

// next advances the clock a poll at a time until the desk emits an event of type T, and
// fails after 2,000 polls' worth of fake time. Each Advance returns once the reader loop has
// taken the tick, so the events of one poll are there at the latest after the next.
func next[T desk.Event](k *counterDesk, poll time.Duration) T {
	k.t.Helper()
	for range 2000 {
		k.clock.Advance(poll)
		for {
			select {
			case e := <-k.Events():
				if v, ok := e.(T); ok {
					return v
				}
				continue
			default:
			}
			break
		}
	}
	var zero T
	k.t.Fatalf("no %T", zero)
	return zero
}
