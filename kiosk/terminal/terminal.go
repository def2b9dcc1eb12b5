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
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/entcache"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/notices"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// Terminal is an assembled kiosk.
type Terminal struct {
	Config  config.Config
	Desk    *desk.Desk
	Reader  *idcard.Reader
	Printer *escpos.Printer
	Scanner *scanner.Scanner
	Outbox  *outbox.Outbox
	Journal *journal.Journal
	Sync    *hallsync.Syncer
	// Enterprises caches the hall's lookups for when it cannot be reached.
	Enterprises *entcache.Cache
	// Beacon tells the hall's duty leader how the kiosk is and reads the hall's notices into
	// Notices (nil when its file is unusable: the idle screen then shows none).
	Beacon  *hallsync.Beacon
	Notices *notices.Cache
	version string

	lines   []*serialport.Line
	log     *slog.Logger
	catalog *i18n.Catalog
	cabinet desk.Cabinet
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	printer     countingPrinter // the printer as every job reaches it: counted for the paper
	logs        *logring.Ring
	configPath  string
	exportRoots []string

	scanMu   sync.Mutex
	scanTest chan scanner.Code // a scanner self-test waiting for the next code

	cfgMu  sync.Mutex
	edited config.Config // Config with the technician's changes since the start
}

// Opts are what Open needs beyond the configuration.
type Opts struct {
	Catalog *i18n.Catalog
	Log     *slog.Logger // nil means slog.Default()
	// MaxBackoff bounds the sync loop's wait between failed attempts; zero means 10 s, so a
	// returning link is noticed within seconds even when nobody taps anything.
	MaxBackoff time.Duration
	// Now is the desk's clock (sessions, receipts); nil means time.Now.
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
	// nil means DefaultExportRoots.
	ExportRoots []string
	// HeartbeatEvery is how often the kiosk tells the hall how it is; zero means the
	// configuration's heartbeat_every. Version names the build in heartbeats; empty means the
	// module version and VCS revision the binary carries.
	HeartbeatEvery time.Duration
	Version        string
}

// DefaultExportRoots are where desktop automounters and technicians mount USB sticks.
func DefaultExportRoots() []string { return []string{"/media/*/*", "/mnt/*"} }

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
	if opts.ExportRoots == nil {
		opts.ExportRoots = DefaultExportRoots()
	}
	t = &Terminal{Config: c, log: opts.Log, catalog: opts.Catalog, cabinet: opts.Cabinet, logs: opts.Logs,
		configPath: opts.ConfigPath, exportRoots: opts.ExportRoots, edited: c, version: buildVersion(opts.Version)}
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
	if t.Outbox, err = outbox.Open(c.OutboxPath(), &outbox.Opts{KioskID: c.KioskID, Key: key, AmountOf: amounts, Quarantined: t.quarantined,
		MinFree: uint64(c.MinFreeMB) << 20, FreeSpace: opts.FreeSpace}); err != nil {
		return nil, fmt.Errorf("terminal: outbox: %w", err)
	}
	if t.Journal, err = journal.Open(c.JournalPath(), nil); err != nil {
		return nil, fmt.Errorf("terminal: printer journal: %w", err)
	}
	// The cache only spares a taxpayer typing a credit code offline: a kiosk whose cache
	// file is damaged goes on without one, and says so to the technician.
	if t.Enterprises, err = entcache.Open(c.EnterprisesPath(), key, &entcache.Opts{Now: opts.Now}); err != nil {
		opts.Log.Error("terminal: enterprise cache unusable; lookups need the hall", "err", err)
		t.Enterprises, err = nil, nil
	}
	line := func(s config.Serial) *serialport.Line {
		l := serialport.NewLine(s.Port, &serialport.Opts{Baud: s.Baud})
		t.lines = append(t.lines, l)
		return l
	}
	if t.Reader, err = idcard.New(line(c.IDCard), nil); err != nil {
		return nil, fmt.Errorf("terminal: ID-card reader: %w", err)
	}
	width := c.Printer.PaperWidthMM
	if t.Printer, err = escpos.New(line(c.Printer.Serial), &escpos.Opts{Render: escpos.RenderOpts{PaperMM: width}}); err != nil {
		return nil, fmt.Errorf("terminal: printer: %w", err)
	}
	if t.Scanner, err = scanner.New(line(c.Scanner.Serial), &scanner.Opts{Suffix: c.Scanner.Suffix}); err != nil {
		return nil, fmt.Errorf("terminal: scanner: %w", err)
	}
	client, err := hallClient(c)
	if err != nil {
		return nil, err
	}
	t.Sync = hallsync.New(t.Outbox, client, &hallsync.Opts{MaxBackoff: opts.MaxBackoff, ProbeEvery: opts.ProbeEvery, Log: opts.Log})
	if t.Notices, err = notices.Open(filepath.Join(c.DataDir, "notices.db")); err != nil {
		opts.Log.Error("terminal: notices cache unusable; the idle screen shows none", "err", err)
		t.Notices, err = nil, nil
	}
	if opts.HeartbeatEvery == 0 {
		opts.HeartbeatEvery = c.HeartbeatEvery.Duration // zero still: the beacon's default
	}
	t.Beacon = hallsync.NewBeacon(t.Outbox, client, t.heartbeat, t.noticeCache(), &hallsync.BeaconOpts{Every: opts.HeartbeatEvery, Log: opts.Log})
	t.printer = countingPrinter{Printer: t.Printer, journal: t.Journal, log: opts.Log}
	t.Desk = desk.New(t.Reader, t.printer, t.Outbox, t.Sync, desk.Opts{
		KioskID: c.KioskID, HallName: c.HallName, IdleTimeout: c.IdleTimeout.Duration,
		SyncWait: c.SyncWait.Duration, Catalog: opts.Catalog, Log: opts.Log, Now: opts.Now,
		Cabinet: opts.Cabinet, LiftGrace: opts.LiftGrace, Policy: c.OfflinePolicy, Journal: t.Journal,
		TechnicianPINs: c.TechnicianPINs, TechnicianCards: c.TechnicianCards, Hall: client, Enterprises: t.entCache(),
		Devices: t.DeviceStatuses, PollEvery: opts.PollEvery, SuperviseEvery: opts.SuperviseEvery, OutOfServiceAfter: opts.OutOfServiceAfter,
	})
	return t, nil
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
	_, keyName := certs.KioskFiles(c.KioskID)
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
	if t.Desk != nil {
		t.Desk.Audit(context.Background(), "outbox_quarantine", map[string]any{"seq": seq, "id": id, "reason": reason})
	}
}

// entCache is the cache as the desk takes it: a nil *Cache must be a nil interface.
func (t *Terminal) entCache() desk.EnterpriseCache {
	if t.Enterprises == nil {
		return nil
	}
	return t.Enterprises
}

// Start runs the sync loop and the desk until Close.
func (t *Terminal) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.wg.Add(6)
	go func() { defer t.wg.Done(); t.Sync.Run(ctx) }()
	go func() { defer t.wg.Done(); t.Beacon.Run(ctx) }()
	go func() { defer t.wg.Done(); t.Desk.Run(ctx) }()
	go func() { defer t.wg.Done(); t.scan(ctx) }()
	go func() { // kioskctl outbox|sync talk to the running kiosk here
		defer t.wg.Done()
		err := control.Serve(ctx, control.SocketPath(t.Config.DataDir), control.Kiosk{Outbox: t.Outbox, Sync: t.Sync, Devices: t.DeviceStatuses, Tech: t, Audit: t.Desk.Audit})
		if err != nil && !errors.Is(err, context.Canceled) {
			t.log.Error("terminal: control socket", "err", err)
		}
	}()
	go func() {
		defer t.wg.Done()
		keep := time.Duration(t.Config.PurgeAfterDays) * 24 * time.Hour
		t.Outbox.RunPurge(ctx, &outbox.PurgeOpts{Keep: keep, Log: t.log})
	}()
}

// scan hands every scanned code to the desk, or to a scanner self-test waiting for one, and
// keeps at it when the scanner goes away.
func (t *Terminal) scan(ctx context.Context) {
	for ctx.Err() == nil {
		if err := t.Scanner.Run(ctx, t.deliverScan); err != nil && ctx.Err() == nil {
			select { // the scanner's own status says why; try again shortly
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// DeviceStatuses is every device in the common status model, for the maintenance board.
func (t *Terminal) DeviceStatuses() []device.Status {
	out := []device.Status{t.Reader.Status(), t.Printer.DeviceStatus(), t.Scanner.Status()}
	if s, ok := t.cabinet.(interface{ Status() device.Status }); ok {
		out = append(out, s.Status())
	}
	return out
}

// OutboxStats summarises the queue for the maintenance menu.
// While the hall cannot be reached the sync loop only probes, so no delivery fails; the
// probe's error is then the one a technician needs.
func (t *Terminal) OutboxStats() outbox.Stats {
	s := t.Outbox.Stats()
	if st := t.Sync.Status(); !st.Online && st.LastError != "" {
		s.LastError = st.LastError
	}
	return s
}

// SyncNow asks the sync loop to deliver at once.
func (t *Terminal) SyncNow() { t.Sync.Wake() }

// TestPrint prints the technician's test page and records it for the hall; it returns the
// printer's message key when the page did not print.
func (t *Terminal) TestPrint(ctx context.Context) string {
	key := t.testPage(ctx)
	t.Desk.Audit(ctx, "test_print", map[string]any{"printed": key == "", "reason": key})
	return key
}

// Readiness runs the opening checklist on the kiosk as it is now.
func (t *Terminal) Readiness() []readiness.Item {
	st := t.Outbox.Stats()
	return readiness.Check(readiness.Input{Devices: t.DeviceStatuses(), Online: t.Sync.Status().Online,
		Pending: st.Pending(), OldestQueued: st.OldestQueued, OutOfService: st.OutOfService})
}

// PrintReadiness prints the opening checklist in Chinese and records it for the hall; it
// returns the printer's message key when the page did not print.
func (t *Terminal) PrintReadiness(ctx context.Context) string {
	T := func(k string, kv ...any) string { return t.catalog.T(i18n.ZH, k, kv...) }
	items := t.Readiness()
	d := &escpos.Document{}
	d.Title(T("readiness.title")).
		Pair(T("receipt.kiosk"), t.Config.KioskID).
		Pair(T("receipt.time"), time.Now().Format("2006-01-02 15:04:05")).
		Separator()
	for _, it := range items {
		d.Pair(T(it.Key), T("readiness.level."+string(it.Level))+" "+it.Detail)
	}
	verdict := T("readiness.ready")
	if !readiness.Ready(items) {
		verdict = T("readiness.not_ready")
	}
	d.Separator().Paragraph(verdict).Feed(2).Cut()
	res, err := t.printer.Print(ctx, &escpos.Job{ID: "readiness-" + time.Now().Format("20060102T150405"), Doc: d})
	key := ""
	switch {
	case err != nil:
		key = escpos.MessageKey(err)
	case res.State != escpos.JobPrinted:
		key = escpos.MessageKey(res.Err)
	}
	t.Desk.Audit(ctx, "readiness", map[string]any{"ready": readiness.Ready(items), "printed": key == ""})
	return key
}

// NetState is the network indicator's view: is the hall reachable, how much waits.
func (t *Terminal) NetState() (online, connecting bool, pending int) {
	st := t.Sync.Status()
	return st.Online, !st.Tried, t.Outbox.Stats().Pending()
}

// Close stops everything and closes the devices and the outbox.
func (t *Terminal) Close() error {
	if t.cancel != nil {
		t.cancel()
		t.wg.Wait()
	}
	if t.Reader != nil {
		t.Reader.Close()
	}
	if t.Printer != nil {
		t.Printer.Close()
	}
	if t.Scanner != nil {
		t.Scanner.Close()
	}
	for _, l := range t.lines {
		l.Close()
	}
	if t.Journal != nil {
		t.Journal.Close()
	}
	if t.Enterprises != nil {
		t.Enterprises.Close()
	}
	if t.Notices != nil {
		t.Notices.Close()
	}
	if t.Outbox != nil {
		return t.Outbox.Close()
	}
	return nil
}
