package techmenu_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/techmenu"
)

// The menu's logic runs here against in-process fakes of the desk and the devices, and a
// real outbox and printer journal under t.TempDir(); kiosk/terminal's tests run it against
// the simulators on ptys.

// fakeDesk records audits and holds the maintenance flag.
type fakeDesk struct {
	mu     sync.Mutex
	maint  bool
	audits []audit
}

type audit struct {
	action string
	detail map[string]any
}

func (d *fakeDesk) InMaintenance() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.maint }

func (d *fakeDesk) ExitMaintenance(context.Context) { d.mu.Lock(); d.maint = false; d.mu.Unlock() }

func (d *fakeDesk) EnterMaintenanceAs(_ context.Context, via string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.maint = true
	d.audits = append(d.audits, audit{"maintenance", map[string]any{"via": via}})
	return nil
}

func (d *fakeDesk) Audit(_ context.Context, action string, detail map[string]any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.audits = append(d.audits, audit{action, detail})
}

// last is the detail of the last audit of action, or nil.
func (d *fakeDesk) last(action string) map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.audits) - 1; i >= 0; i-- {
		if d.audits[i].action == action {
			return d.audits[i].detail
		}
	}
	return nil
}

// fakeReader answers ErrNoCard until a card is placed, then reads it. As a GA 467 module
// does, it finds a card only once: after a read, ReadCard answers ErrNoCard until the card
// is placed again, while ReadPresent (select and read, no find) reads it where it lies.
type fakeReader struct {
	mu    sync.Mutex
	card  *idcard.Card
	read  bool  // the card lying there was read: find no longer sees it
	err   error // answered instead of a card when set
	reads int
}

func (r *fakeReader) place(c idcard.Card) { r.mu.Lock(); r.card, r.read = &c, false; r.mu.Unlock() }

func (r *fakeReader) ReadCard(ctx context.Context) (*idcard.Card, error) {
	return r.readCard(ctx, true)
}

func (r *fakeReader) ReadPresent(ctx context.Context) (*idcard.Card, error) {
	return r.readCard(ctx, false)
}

func (r *fakeReader) readCard(ctx context.Context, find bool) (*idcard.Card, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads++
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case r.err != nil:
		return nil, r.err
	case r.card == nil, find && r.read:
		return nil, idcard.ErrNoCard
	}
	r.read = true
	c := *r.card
	return &c, nil
}

func (r *fakeReader) Status() device.Status {
	return device.Status{Device: "idcard", State: device.Online}
}

// fakePrinter prints into a list, or refuses with err.
type fakePrinter struct {
	mu      sync.Mutex
	jobs    []*escpos.Job
	err     error // the reason a job fails (escpos.ErrCoverOpen ...)
	nearEnd bool
}

func (p *fakePrinter) set(err error, nearEnd bool) {
	p.mu.Lock()
	p.err, p.nearEnd = err, nearEnd
	p.mu.Unlock()
}

func (p *fakePrinter) Print(_ context.Context, job *escpos.Job) (*escpos.JobResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return &escpos.JobResult{ID: job.ID, State: escpos.JobFailed, Err: p.err, Reprintable: true}, nil
	}
	p.jobs = append(p.jobs, job)
	return &escpos.JobResult{ID: job.ID, State: escpos.JobPrinted, NearEnd: p.nearEnd, Bytes: 1}, nil
}

func (p *fakePrinter) Status(context.Context) (escpos.Status, error) { return escpos.Status{}, nil }

func (p *fakePrinter) DeviceStatus() device.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	paper := device.PaperFull
	if p.nearEnd {
		paper = device.PaperLow
	}
	return device.Status{Device: "printer", State: device.Online, Paper: paper}
}

func (p *fakePrinter) printed() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.jobs) }

// fakeStatus is a device that only says how it is.
type fakeStatus struct{ st device.Status }

func (s fakeStatus) Status() device.Status { return s.st }

// fakeCabinet is *gpio.Aux's face: lines, the tower light, one indicator ("lamp").
type fakeCabinet struct {
	mu    sync.Mutex
	tower gpio.TowerMode
	lamp  bool
	door  bool
}

func (c *fakeCabinet) SetTowerLight(m gpio.TowerMode) error {
	c.mu.Lock()
	c.tower = m
	c.mu.Unlock()
	return nil
}

func (c *fakeCabinet) TowerLight() gpio.TowerMode { c.mu.Lock(); defer c.mu.Unlock(); return c.tower }

func (c *fakeCabinet) SetIndicator(name string, on bool) error {
	if name != "lamp" {
		return gpio.ErrNotFitted
	}
	c.mu.Lock()
	c.lamp = on
	c.mu.Unlock()
	return nil
}

func (c *fakeCabinet) Lines() []gpio.Line {
	c.mu.Lock()
	defer c.mu.Unlock()
	return []gpio.Line{{Name: "presence", Fitted: true}, {Name: "door", Fitted: true, Active: c.door}, {Name: "help"},
		{Name: "tower_light", Output: true, Fitted: true, Active: c.tower != gpio.TowerOff}, {Name: "lamp", Output: true, Fitted: true, Active: c.lamp}}
}

// fakeUplink is the sync loop's face.
type fakeUplink struct {
	mu    sync.Mutex
	st    hallsync.SyncStatus
	wakes int
}

func (u *fakeUplink) Status() hallsync.SyncStatus { u.mu.Lock(); defer u.mu.Unlock(); return u.st }
func (u *fakeUplink) Wake()                       { u.mu.Lock(); u.wakes++; u.mu.Unlock() }

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// rig is a menu over fakes with a real outbox and journal.
type rig struct {
	menu    *techmenu.Menu
	desk    *fakeDesk
	reader  *fakeReader
	printer *fakePrinter
	cabinet *fakeCabinet
	uplink  *fakeUplink
	outbox  *outbox.Outbox
	journal *journal.Journal
	clock   *clock
	cfg     config.Config
	dir     string
	live    chan config.Config
}

var catalog = func() *i18n.Catalog {
	c, err := i18n.Load(assets.Translations())
	if err != nil {
		panic(err)
	}
	return c
}()

func newRig(t *testing.T, tune func(*techmenu.Parts, *techmenu.Opts)) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{desk: &fakeDesk{}, reader: &fakeReader{}, printer: &fakePrinter{}, cabinet: &fakeCabinet{tower: gpio.TowerOff},
		uplink: &fakeUplink{st: hallsync.SyncStatus{Online: true, Tried: true}}, dir: dir, live: make(chan config.Config, 8),
		clock: &clock{now: time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)}}
	r.cfg = config.Default()
	r.cfg.KioskID = "TEST-01"
	r.cfg.DataDir = filepath.Join(dir, "data")
	if err := os.MkdirAll(r.cfg.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	key, err := outbox.LoadKey(r.cfg.OutboxPath(), r.cfg.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	if r.outbox, err = outbox.Open(r.cfg.OutboxPath(), &outbox.Opts{KioskID: r.cfg.KioskID, Key: key}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.outbox.Close() })
	if r.journal, err = journal.Open(r.cfg.JournalPath(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.journal.Close() })
	cfgPath := filepath.Join(dir, "kiosk.json")
	if err := r.cfg.Save(cfgPath); err != nil {
		t.Fatal(err)
	}
	parts := techmenu.Parts{Config: r.cfg, Desk: r.desk, Reader: r.reader, Printer: techmenu.NewPaperCounter(r.printer, r.journal, nil),
		Scanner: fakeStatus{device.Status{Device: "scanner", State: device.Online}}, Cabinet: r.cabinet, Outbox: r.outbox, Sync: r.uplink}
	opts := techmenu.Opts{Catalog: catalog, Log: slog.New(slog.DiscardHandler), ConfigPath: cfgPath, ExportRoots: []string{filepath.Join(dir, "media", "*", "*")},
		Now: r.clock.Now, Live: func(c config.Config) { r.live <- c },
		CardWait: 2 * time.Second, CardPoll: time.Millisecond, ScanWait: 2 * time.Second}
	if tune != nil {
		tune(&parts, &opts)
	}
	r.menu = techmenu.New(parts, &opts)
	return r
}
