package techmenu

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/tech"
)

var (
	_ tech.Menu          = (*Menu)(nil)
	_ control.Technician = (*Menu)(nil)
)

// Desk is the front desk as the menu needs it: whether it is in maintenance, leaving it, and
// the audit transactions every action writes for the hall.
type Desk interface {
	InMaintenance() bool
	ExitMaintenance(ctx context.Context)
	Audit(ctx context.Context, action string, detail map[string]any)
}

// maintEntry is the desk's entry to maintenance without a PIN, for kioskctl: the control
// socket, open only to the kiosk's own user and root, stands in for the PIN. A desk without
// it refuses `kioskctl maint enter` with ErrUnsupported.
type maintEntry interface {
	EnterMaintenanceAs(ctx context.Context, via string) error
}

// CardReader is the ID-card reader: read once for the self-test, and its status.
// ReadPresent reads a card already lying there (and already read), which ReadCard does not
// find until it is placed again (*idcard.Reader).
type CardReader interface {
	ReadCard(ctx context.Context) (*idcard.Card, error)
	ReadPresent(ctx context.Context) (*idcard.Card, error)
	Status() device.Status
}

// DefaultCardWait is how long the card self-test waits for a card when Opts.CardWait is
// zero: time to take a card from a wallet and walk round to the reader, which 5 s was not.
const DefaultCardWait = 20 * time.Second

// StatusReporter is a device the menu only asks how it is (the scanner: its codes reach the
// self-test through TakeScan).
type StatusReporter interface {
	Status() device.Status
}

// Cabinet is the kiosk's digital I/O. *gpio.Aux also lists its lines, reports the tower
// light's mode and switches named indicators; the menu uses those when they are there.
type Cabinet interface {
	SetTowerLight(mode gpio.TowerMode) error
}

// Outbox is the queue as the menu reads it.
type Outbox interface {
	Stats() outbox.Stats
	List(f outbox.Filter) ([]outbox.Record, error)
}

// Uplink is the sync loop: how the link is, and a nudge to deliver now.
type Uplink interface {
	Status() hallsync.SyncStatus
	Wake()
}

// Parts are the running kiosk's pieces the menu drives. Cabinet may be nil (none fitted);
// the others are required.
type Parts struct {
	Config  config.Config // as the kiosk started with it
	Desk    Desk
	Reader  CardReader
	Printer *PaperCounter // the printer as every job reaches it
	Scanner StatusReporter
	Cabinet Cabinet
	Outbox  Outbox
	Sync    Uplink
}

// Opts are the menu's options; the zero value is a kiosk's defaults.
type Opts struct {
	Catalog *i18n.Catalog
	Log     *slog.Logger // nil means slog.Default()
	// Logs is the ring of recent log lines, for the log page; nil means the page is empty.
	Logs *logring.Ring
	// ConfigPath is the configuration file changed settings are saved to; empty means
	// changes are refused (ErrNoConfigFile).
	ConfigPath string
	// ExportRoots are glob patterns of where USB sticks are mounted, offered for exports;
	// nil means DefaultExportRoots.
	ExportRoots []string
	// Live applies the settings that take effect at once (config.LiveKey) to the running
	// desk; nil means none are applied until a restart.
	Live func(config.Config)
	// Now is the clock of reports, file names and the paper counter; nil means time.Now.
	Now func() time.Time
	// CardWait is how long the card self-test waits for a card (zero: DefaultCardWait),
	// polling every CardPoll (zero: 200 ms); ScanWait how long the scanner self-test waits
	// for a code (zero: 15 s).
	CardWait, CardPoll, ScanWait time.Duration
}

// DefaultExportRoots are where desktop automounters and technicians mount USB sticks.
func DefaultExportRoots() []string { return []string{"/media/*/*", "/mnt/*"} }

// Menu is the technician's side of one running kiosk.
type Menu struct {
	p    Parts
	opts Opts
	log  *slog.Logger

	scanMu   sync.Mutex
	scanTest chan scanner.Code // a scanner self-test waiting for the next code

	cfgMu  sync.Mutex
	edited config.Config // Parts.Config with the technician's changes since the start

	firmware atomic.Pointer[control.Firmware] // the update agent, once the kiosk has one
}

// New is the menu over the kiosk's parts.
func New(p Parts, opts *Opts) *Menu {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.ExportRoots == nil {
		o.ExportRoots = DefaultExportRoots()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CardWait == 0 {
		o.CardWait = DefaultCardWait
	}
	if o.CardPoll == 0 {
		o.CardPoll = 200 * time.Millisecond
	}
	if o.ScanWait == 0 {
		o.ScanWait = 15 * time.Second
	}
	return &Menu{p: p, opts: o, log: o.Log, edited: p.Config}
}

// DeviceStatuses is every device in the common status model, for the maintenance board.
func (m *Menu) DeviceStatuses() []device.Status {
	out := []device.Status{m.p.Reader.Status(), m.p.Printer.DeviceStatus(), m.p.Scanner.Status()}
	if s, ok := m.p.Cabinet.(StatusReporter); ok {
		out = append(out, s.Status())
	}
	return out
}

// OutboxStats summarises the queue for the maintenance menu.
// While the hall cannot be reached the sync loop only probes, so no delivery fails; the
// probe's error is then the one a technician needs.
func (m *Menu) OutboxStats() outbox.Stats {
	s := m.p.Outbox.Stats()
	if st := m.p.Sync.Status(); !st.Online && st.LastError != "" {
		s.LastError = st.LastError
	}
	return s
}

// SyncNow asks the sync loop to deliver at once.
func (m *Menu) SyncNow() { m.p.Sync.Wake() }

// InMaintenance reports whether the kiosk is out of taxpayer service for a technician.
func (m *Menu) InMaintenance() bool { return m.p.Desk.InMaintenance() }

// EnterMaintenance takes the kiosk out of taxpayer service without a PIN (for the control
// socket); via is recorded in the audit.
func (m *Menu) EnterMaintenance(ctx context.Context, via string) error {
	e, ok := m.p.Desk.(maintEntry)
	if !ok {
		return fmt.Errorf("%w: entering maintenance without a PIN; enter it on the screen", ErrUnsupported)
	}
	return e.EnterMaintenanceAs(ctx, via)
}

// ExitMaintenance returns the kiosk to taxpayer service.
func (m *Menu) ExitMaintenance(ctx context.Context) { m.p.Desk.ExitMaintenance(ctx) }

// Readiness runs the opening checklist on the kiosk as it is now.
func (m *Menu) Readiness() []readiness.Item {
	st := m.p.Outbox.Stats()
	return readiness.Check(readiness.Input{Devices: m.DeviceStatuses(), Online: m.p.Sync.Status().Online,
		Pending: st.Pending(), OldestQueued: st.OldestQueued, OutOfService: st.OutOfService})
}

// PrintReadiness prints the opening checklist in Chinese and records it for the hall; it
// returns the printer's message key when the page did not print.
func (m *Menu) PrintReadiness(ctx context.Context) string {
	T := func(k string, kv ...any) string { return m.opts.Catalog.T(i18n.ZH, k, kv...) }
	items := m.Readiness()
	now := m.opts.Now()
	d := &escpos.Document{}
	d.Title(T("readiness.title")).
		Pair(T("receipt.kiosk"), m.p.Config.KioskID).
		Pair(T("receipt.time"), now.Format("2006-01-02 15:04:05")).
		Separator()
	for _, it := range items {
		d.Pair(T(it.Key), T("readiness.level."+string(it.Level))+" "+it.Detail)
	}
	verdict := T("readiness.ready")
	if !readiness.Ready(items) {
		verdict = T("readiness.not_ready")
	}
	d.Separator().Paragraph(verdict).Feed(2).Cut()
	key := m.print(ctx, "readiness-", d)
	m.p.Desk.Audit(ctx, "readiness", map[string]any{"ready": readiness.Ready(items), "printed": key == ""})
	return key
}

// print prints one of the menu's pages; it returns the printer's message key when the page
// did not print.
func (m *Menu) print(ctx context.Context, idPrefix string, d *escpos.Document) string {
	res, err := m.p.Printer.Print(ctx, &escpos.Job{ID: idPrefix + m.opts.Now().Format("20060102T150405"), Doc: d})
	switch {
	case err != nil:
		return escpos.MessageKey(err)
	case res.State != escpos.JobPrinted:
		return escpos.MessageKey(res.Err)
	}
	return ""
}
