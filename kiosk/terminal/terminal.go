package terminal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/serialport"
	"taxkiosk/kiosk/clock"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/entcache"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/notices"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/services"
	"taxkiosk/kiosk/techmenu"
	"taxkiosk/kiosk/txn"
)

// Terminal is an assembled kiosk: the desk for the screens, the technician's menu for the
// maintenance pages and the control socket, and the loops Start runs until Close.
type Terminal struct {
	cfg     config.Config
	desk    *desk.Desk
	menu    *techmenu.Menu
	reader  *idcard.Reader
	printer *escpos.Printer
	scanner *scanner.Scanner
	outbox  *outbox.Outbox
	journal *journal.Journal
	sync    *hallsync.Syncer
	// services are the taxpayer services over the desk.
	services services.Set
	// enterprises caches the hall's lookups for when it cannot be reached; nil when its file
	// is unusable.
	enterprises *entcache.Cache
	// hall is the hall's client (firmware downloads use it too).
	hall *hallapi.Client
	// firmware answers kioskctl's update operations and the board; nil without the agent.
	firmware control.Firmware
	// beacon tells the hall's duty leader how the kiosk is and reads the hall's notices into
	// notices (nil when its file is unusable: the idle screen then shows none).
	beacon  *hallsync.Beacon
	notices *notices.Cache
	version string

	lines  []*serialport.Line
	log    *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Opts are what Open needs beyond the configuration.
// scannerWait bounds one read of the scanner's line. The scanner talks only when a code is
// scanned, so its reader waits on a silent line day and night, and tarm/serial waits in a
// blocking read(2) bounded by termios VTIME. Each read that blocks past 10 ms makes Go's
// monitor thread take the thread's P back and poll again from 20 µs: at the drivers'
// 100 ms that was about 850 wake-ups a second at the idle screen (README, Footprint).
// A longer wait makes ten times fewer such reads; a code still comes back as soon as its
// first byte arrives (VMIN 0), and a partial code is dropped after at most this long
// instead of the scanner's 500 ms.
const scannerWait = time.Second

type Opts struct {
	Catalog *i18n.Catalog
	Log     *slog.Logger // nil means slog.Default()
	// MaxBackoff bounds the sync loop's wait between failed attempts; zero means 10 s, so a
	// returning link is noticed within seconds even when nobody taps anything.
	MaxBackoff time.Duration
	// Now dates the desk's clock (sessions, receipts, and the grace periods measured by it:
	// a frozen Now never lets one elapse); nil means the system clock.
	Now func() time.Time
	// ProbeEvery is how often the idle sync loop asks whether the hall is there; zero means
	// 5 s, so the network indicator follows a pulled cable within seconds.
	ProbeEvery time.Duration
	// LiftGrace is how long the screen asks whether to finish after the card is lifted;
	// zero means the desk's default.
	LiftGrace time.Duration
	// Cabinet is the kiosk's digital I/O (main resolves real pins, the demo simulates them);
	// nil means none fitted.
	Cabinet desk.Cabinet
	// PollEvery is how often the desk looks for a card; zero means the desk's default.
	PollEvery time.Duration
	// SuperviseEvery is how often the idle kiosk asks its devices how they are; zero means
	// the desk's default (5 s).
	SuperviseEvery time.Duration
	// OutOfServiceAfter is how long printing must stay impossible before the kiosk takes
	// itself out of service; zero means the desk's default (2 minutes).
	OutOfServiceAfter time.Duration
	// ConfigPath is the configuration file the technician's changes are saved to; empty
	// means changes are refused (ErrNoConfigFile).
	ConfigPath string
	// Logs is the ring of recent log lines installed under Log, for the log page; nil means
	// the page is empty.
	Logs *logring.Ring
	// FreeSpace reports the bytes left on the data directory's file system; nil means the
	// file system's own figure. Tests stand a full disk in here.
	FreeSpace func(dir string) (uint64, error)
	// ExportRoots are glob patterns of where USB sticks are mounted, offered for exports;
	// nil means techmenu.DefaultExportRoots.
	ExportRoots []string
	// SelfTestWait is how long the card and scanner self-tests wait for the technician;
	// zero means techmenu's defaults (20 s for a card, 15 s for a code).
	SelfTestWait time.Duration
	// HeartbeatEvery is how often the kiosk tells the hall how it is; zero means the
	// configuration's heartbeat_every. Version names the build in heartbeats; empty means the
	// module version and VCS revision the binary carries.
	HeartbeatEvery time.Duration
	Version        string
}

// Open builds the kiosk described by c. Start runs it.
func Open(c config.Config, opts Opts) (t *Terminal, err error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	if opts.ProbeEvery == 0 {
		opts.ProbeEvery = 5 * time.Second
	}
	t = &Terminal{cfg: c, log: opts.Log, version: buildVersion(opts.Version)}
	built := t // the named result is nil by the time a failed return's defer runs
	defer func() {
		if err != nil {
			built.Close()
		}
	}()
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("terminal: data directory: %w", err)
	}
	key, err := outbox.LoadKey(c.OutboxPath(), c.KeyPath()) // never a fresh key over sealed records
	if err != nil {
		return nil, fmt.Errorf("terminal: sealing key: %w", err)
	}
	amounts := outbox.AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable", txn.KindTaxPayment: "total"})
	if t.outbox, err = outbox.Open(c.OutboxPath(), &outbox.Opts{KioskID: c.KioskID, Key: key, AmountOf: amounts, Quarantined: t.quarantined,
		MinFree: uint64(c.MinFreeMB) << 20, FreeSpace: opts.FreeSpace}); err != nil {
		return nil, fmt.Errorf("terminal: outbox: %w", err)
	}
	if t.journal, err = journal.Open(c.JournalPath(), nil); err != nil {
		return nil, fmt.Errorf("terminal: printer journal: %w", err)
	}
	// The cache only spares a taxpayer typing a credit code offline: a kiosk whose cache
	// file is damaged goes on without one, and says so to the technician.
	if t.enterprises, err = entcache.Open(c.EnterprisesPath(), key, &entcache.Opts{Now: opts.Now}); err != nil {
		opts.Log.Error("terminal: enterprise cache unusable; lookups need the hall", "err", err)
		t.enterprises, err = nil, nil
	}
	line := func(s config.Serial, wait time.Duration) *serialport.Line {
		l := serialport.NewLine(s.Port, &serialport.Opts{Baud: s.Baud, ReadTimeout: wait})
		t.lines = append(t.lines, l)
		return l
	}
	if t.reader, err = idcard.New(line(c.IDCard, 0), nil); err != nil {
		return nil, fmt.Errorf("terminal: ID-card reader: %w", err)
	}
	width := c.Printer.PaperWidthMM
	if t.printer, err = escpos.New(line(c.Printer.Serial, 0), &escpos.Opts{Render: escpos.RenderOpts{PaperMM: width}}); err != nil {
		return nil, fmt.Errorf("terminal: printer: %w", err)
	}
	if t.scanner, err = scanner.New(line(c.Scanner.Serial, scannerWait), &scanner.Opts{Suffix: c.Scanner.Suffix}); err != nil {
		return nil, fmt.Errorf("terminal: scanner: %w", err)
	}
	client, err := hallClient(c)
	if err != nil {
		return nil, err
	}
	t.hall = client
	t.sync = hallsync.New(t.outbox, client, &hallsync.Opts{MaxBackoff: opts.MaxBackoff, ProbeEvery: opts.ProbeEvery, Log: opts.Log})
	if t.notices, err = notices.Open(filepath.Join(c.DataDir, "notices.db")); err != nil {
		opts.Log.Error("terminal: notices cache unusable; the idle screen shows none", "err", err)
		t.notices, err = nil, nil
	}
	if opts.HeartbeatEvery == 0 {
		opts.HeartbeatEvery = c.HeartbeatEvery.Std() // zero still: the beacon's default
	}
	t.beacon = hallsync.NewBeacon(t.outbox, client, t.heartbeat, t.noticeCache(), &hallsync.BeaconOpts{Every: opts.HeartbeatEvery, Log: opts.Log})
	paper := techmenu.NewPaperCounter(t.printer, t.journal, opts.Log)
	t.desk = desk.New(t.reader, paper, t.outbox, t.sync, desk.Opts{
		KioskID: c.KioskID, HallName: c.HallName, IdleTimeout: c.IdleTimeout.Std(),
		SyncWait: c.SyncWait.Std(), Log: opts.Log, Clock: deskClock(opts.Now),
		Cabinet: opts.Cabinet, LiftGrace: opts.LiftGrace, Policy: c.OfflinePolicy, Journal: t.journal,
		TechnicianPINs: c.TechnicianPINs, TechnicianCards: c.TechnicianCards, Hall: client, Enterprises: t.entCache(),
		Devices: t.deviceStatuses, PollEvery: opts.PollEvery, SuperviseEvery: opts.SuperviseEvery, OutOfServiceAfter: opts.OutOfServiceAfter,
	})
	t.menu = techmenu.New(techmenu.Parts{Config: c, Desk: t.desk, Reader: t.reader, Printer: paper, Scanner: t.scanner,
		Cabinet: opts.Cabinet, Outbox: t.outbox, Sync: t.sync}, &techmenu.Opts{
		Catalog: opts.Catalog, Log: opts.Log, Logs: opts.Logs, ConfigPath: opts.ConfigPath, ExportRoots: opts.ExportRoots,
		Now: opts.Now, CardWait: opts.SelfTestWait, ScanWait: opts.SelfTestWait, Live: func(e config.Config) {
			t.desk.Reconfigure(desk.Live{IdleTimeout: e.IdleTimeout.Std(), SyncWait: e.SyncWait.Std(), HallName: e.HallName, Policy: e.OfflinePolicy})
		},
	})
	t.services = services.New(t.desk, services.Opts{Catalog: opts.Catalog, Hall: client, Records: t.outbox, Journal: t.journal, Log: opts.Log})
	return t, nil
}

// deskClock is the desk's clock: the system's, dated by now when a demo or a test fixes the day.
func deskClock(now func() time.Time) clock.Clock {
	if now == nil {
		return clock.Real()
	}
	return clock.WithNow(now)
}

// hallClient is the one place the kiosk's hall client is made: mutual TLS with signed batches
// for https://, clear http:// only to a loopback address (config.CheckHallURL), whatever
// path the configuration took to get here.
func hallClient(c config.Config) (*hallapi.Client, error) {
	if err := config.CheckHallURL(c.HallURL); err != nil {
		return nil, fmt.Errorf("terminal: hall_url: %w", err)
	}
	if !strings.HasPrefix(c.HallURL, "https://") {
		return &hallapi.Client{BaseURL: c.HallURL}, nil
	}
	// The TLS key signs every batch: the same rule as the sealing key (seal.CheckKeyFile).
	_, keyName := mtls.KioskFiles(c.KioskID)
	if _, err := seal.CheckKeyFile(filepath.Join(c.Certs(), keyName)); err != nil {
		return nil, fmt.Errorf("terminal: hall client key: %w", err)
	}
	client, err := hallapi.NewTLSClient(c.HallURL, c.Certs(), c.KioskID)
	if err != nil {
		return nil, fmt.Errorf("terminal: hall client certificate: %w", err)
	}
	return client, nil
}

// quarantined reports a record the outbox set aside as unreadable to the hall, as an audit
// transaction like a technician's actions, so that the hall's staff learn of it too. It runs
// on the sync loop once the desk exists; what it records is the record's number, its id and
// why, never its content.
func (t *Terminal) quarantined(seq uint64, id, reason string) {
	t.log.Error("terminal: unreadable outbox record quarantined", "seq", seq, "id", id, "reason", reason)
	if t.desk != nil {
		t.desk.Audit(context.Background(), "outbox_quarantine", map[string]any{"seq": seq, "id": id, "reason": reason})
	}
}

// entCache is the cache as the desk takes it: a nil *Cache must be a nil interface.
func (t *Terminal) entCache() desk.EnterpriseCache {
	if t.enterprises == nil {
		return nil
	}
	return t.enterprises
}

// Start runs the sync loop and the desk until Close.
func (t *Terminal) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.wg.Add(6)
	go func() { defer t.wg.Done(); t.sync.Run(ctx) }()
	go func() { defer t.wg.Done(); t.beacon.Run(ctx) }()
	go func() { defer t.wg.Done(); t.desk.Run(ctx) }()
	go func() { defer t.wg.Done(); t.scan(ctx) }()
	go func() { // kioskctl outbox|sync talk to the running kiosk here
		defer t.wg.Done()
		err := control.Serve(ctx, control.SocketPath(t.cfg.DataDir), control.Kiosk{Outbox: t.outbox, Sync: t.sync, Devices: t.deviceStatuses, Tech: t.menu, Audit: t.desk.Audit, Firmware: t.firmware})
		if err != nil && !errors.Is(err, context.Canceled) {
			t.log.Error("terminal: control socket", "err", err)
		}
	}()
	go func() {
		defer t.wg.Done()
		keep := time.Duration(t.cfg.PurgeAfterDays) * 24 * time.Hour
		t.outbox.RunPurge(ctx, &outbox.PurgeOpts{Keep: keep, Log: t.log})
	}()
}

// scan hands every scanned code to the desk, or to a scanner self-test waiting for one, and
// keeps at it when the scanner goes away.
func (t *Terminal) scan(ctx context.Context) {
	for ctx.Err() == nil {
		if err := t.scanner.Run(ctx, t.deliverScan); err != nil && ctx.Err() == nil {
			select { // the scanner's own status says why; try again shortly
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// deliverScan hands a code to a waiting scanner self-test, or else to the scan service.
func (t *Terminal) deliverScan(c scanner.Code) {
	if t.menu.TakeScan(c) {
		return
	}
	t.services.Scan.Handle(c)
}

// deviceStatuses is every device in the common status model, for the desk's supervision
// and the control socket.
func (t *Terminal) deviceStatuses() []device.Status { return t.menu.DeviceStatuses() }

// Desk is the front desk the taxpayer screens drive.
func (t *Terminal) Desk() *desk.Desk { return t.desk }

// Services are the taxpayer services, each over the desk.
func (t *Terminal) Services() services.Set { return t.services }

// Menu is the technician's side: the maintenance pages and the control socket drive it.
func (t *Terminal) Menu() *techmenu.Menu { return t.menu }

// Config is the configuration the kiosk was opened with (changes the technician saves
// apply to the file, see techmenu).
func (t *Terminal) Config() config.Config { return t.cfg }

// Link is how the sync loop finds the hall now.
func (t *Terminal) Link() hallsync.SyncStatus { return t.sync.Status() }

// LinkChanges delivers the sync loop's status after every change until stop is called.
func (t *Terminal) LinkChanges() (changes <-chan hallsync.SyncStatus, stop func()) {
	return t.sync.Subscribe()
}

// Records lists the transactions the kiosk holds, personal data sealed, as outbox.List.
func (t *Terminal) Records(f outbox.Filter) ([]outbox.Record, error) { return t.outbox.List(f) }

// NetState is the network indicator's view: is the hall reachable, how much waits.
func (t *Terminal) NetState() (online, connecting bool, pending int) {
	st := t.sync.Status()
	return st.Online, !st.Tried, t.outbox.Stats().Pending()
}

// Close stops everything and closes the devices and the outbox.
func (t *Terminal) Close() error {
	if t.cancel != nil {
		t.cancel()
		t.wg.Wait()
	}
	if t.reader != nil {
		t.reader.Close()
	}
	if t.printer != nil {
		t.printer.Close()
	}
	if t.scanner != nil {
		t.scanner.Close()
	}
	for _, l := range t.lines {
		l.Close()
	}
	if t.journal != nil {
		t.journal.Close()
	}
	if t.enterprises != nil {
		t.enterprises.Close()
	}
	if t.notices != nil {
		t.notices.Close()
	}
	if t.outbox != nil {
		return t.outbox.Close()
	}
	return nil
}
