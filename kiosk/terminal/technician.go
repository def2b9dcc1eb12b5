package terminal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/netcheck"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/txn"
)

var _ control.Technician = (*Terminal)(nil)

// Message keys of self-tests beyond the devices' own.
const (
	KeySelfTestNotInMaint = "maint.selftest.not_in_maint"
	KeySelfTestTimeout    = "maint.selftest.timeout"
	KeySelfTestNotFitted  = "maint.selftest.not_fitted"
	KeySelfTestUnknown    = "maint.selftest.unknown_device"
)

// How long a self-test waits for the technician: to place a card, to scan a code.
const (
	cardTestWait = 5 * time.Second
	scanTestWait = 15 * time.Second
)

// SelfTest tests one device (tech.DeviceIDCard, DevicePrinter, DeviceScanner, DeviceGPIO) and
// records the outcome for the hall. The reader and the scanner are tested only in maintenance,
// when the desk does not use them: a card read or a code scanned then goes to the test, not
// to a taxpayer's session. The card test waits up to 5 s for a card, the scanner test up to
// 15 s for a code; ctx may end either sooner.
func (t *Terminal) SelfTest(ctx context.Context, dev string) tech.SelfTest {
	start := time.Now()
	st := tech.SelfTest{Device: dev, At: start}
	switch {
	case dev != tech.DeviceIDCard && dev != tech.DevicePrinter && dev != tech.DeviceScanner && dev != tech.DeviceGPIO:
		st.MessageKey = KeySelfTestUnknown
	case dev != tech.DeviceGPIO && !t.Desk.InMaintenance():
		st.MessageKey = KeySelfTestNotInMaint
	case dev == tech.DeviceIDCard:
		st.Fields, st.MessageKey = t.testCard(ctx)
	case dev == tech.DevicePrinter:
		st.MessageKey = t.testPage(ctx)
		st.Fields = []tech.Field{{Label: "paper", Value: string(t.Printer.DeviceStatus().Paper)}}
	case dev == tech.DeviceScanner:
		st.Fields, st.MessageKey = t.testScan(ctx)
	case dev == tech.DeviceGPIO:
		if t.cabinet == nil {
			st.MessageKey = KeySelfTestNotFitted
			break
		}
		for _, p := range t.Pins() {
			st.Fields = append(st.Fields, tech.Field{Label: p.Name, Value: pinText(p)})
		}
	}
	st.OK = st.MessageKey == ""
	st.Took = tech.Duration(time.Since(start))
	// Fields are left out of the audit: a card's masked name is still more than the hall
	// needs to know that the reader works.
	t.Desk.Audit(ctx, "selftest", map[string]any{"device": dev, "ok": st.OK, "reason": st.MessageKey})
	return st
}

func pinText(p tech.Pin) string {
	switch {
	case !p.Fitted:
		return "not_fitted"
	case p.Mode != "":
		return p.Mode
	case p.Active:
		return "active"
	}
	return "inactive"
}

// testCard waits for a card and reads it once.
func (t *Terminal) testCard(ctx context.Context) ([]tech.Field, string) {
	ctx, cancel := context.WithTimeout(ctx, cardTestWait)
	defer cancel()
	for {
		card, err := t.Reader.ReadCard(ctx)
		switch {
		case err == nil:
			check := "bad"
			if idcard.ValidIDNumber(card.IDNumber) {
				check = "ok"
			}
			return []tech.Field{
				{Label: "card_type", Value: card.CardType},
				{Label: "name", Value: txn.MaskName(card.Name)},
				{Label: "id_number", Value: txn.MaskID(card.IDNumber)},
				{Label: "check_digit", Value: check},
			}, ""
		case ctx.Err() != nil:
			return nil, KeySelfTestTimeout
		case errors.Is(err, idcard.ErrNoCard):
			select { // no card yet: the technician is about to place one
			case <-ctx.Done():
				return nil, KeySelfTestTimeout
			case <-time.After(200 * time.Millisecond):
			}
		default:
			return nil, idcard.NoticeFor(err).Key
		}
	}
}

// testScan takes the next scanned code from the scan loop and describes it without its content.
func (t *Terminal) testScan(ctx context.Context) ([]tech.Field, string) {
	ch := make(chan scanner.Code, 1)
	t.scanMu.Lock()
	t.scanTest = ch
	t.scanMu.Unlock()
	defer func() {
		t.scanMu.Lock()
		if t.scanTest == ch {
			t.scanTest = nil
		}
		t.scanMu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(ctx, scanTestWait)
	defer cancel()
	select {
	case c := <-ch:
		kind := map[scanner.Kind]string{scanner.KindVATInvoice: "invoice", scanner.KindKioskReceipt: "kiosk_receipt"}[c.Kind]
		if kind == "" {
			kind = "other"
		}
		return []tech.Field{{Label: "kind", Value: kind}, {Label: "length", Value: strconv.Itoa(utf8.RuneCountInString(c.Raw))}}, ""
	case <-ctx.Done():
		if s := t.Scanner.Status(); s.State != device.Online && s.State != "" {
			return nil, "maint.state." + string(s.State)
		}
		return nil, KeySelfTestTimeout
	}
}

// deliverScan hands a code to a waiting self-test, or else to the scan service.
func (t *Terminal) deliverScan(c scanner.Code) {
	t.scanMu.Lock()
	ch := t.scanTest
	t.scanTest = nil
	t.scanMu.Unlock()
	if ch != nil {
		ch <- c // buffered for one; the test that set it takes only one
		return
	}
	t.Services.Scan.Handle(c)
}

// cabinet's richer side, as *gpio.Aux has it; a simpler Cabinet lacks it.
type (
	lineLister   interface{ Lines() []gpio.Line }
	towerReader  interface{ TowerLight() gpio.TowerMode }
	indicatorSet interface {
		SetIndicator(name string, on bool) error
	}
)

// Pins is the cabinet's lines as they are now: the inputs' debounced levels and the outputs'
// last set state. A kiosk without cabinet I/O, or with one that cannot list its lines, has
// none.
func (t *Terminal) Pins() []tech.Pin {
	l, ok := t.cabinet.(lineLister)
	if !ok {
		return nil
	}
	var out []tech.Pin
	for _, line := range l.Lines() {
		p := tech.Pin{Name: line.Name, Output: line.Output, Fitted: line.Fitted, Active: line.Active}
		if r, ok := t.cabinet.(towerReader); ok && line.Name == "tower_light" {
			p.Mode = string(r.TowerLight())
		}
		out = append(out, p)
	}
	return out
}

// SetOutput switches the tower light ("tower_light": on or off) or a named indicator, and
// records it for the hall.
func (t *Terminal) SetOutput(ctx context.Context, name string, on bool) error {
	var err error
	switch {
	case t.cabinet == nil:
		err = fmt.Errorf("%w: no cabinet I/O fitted", ErrNoCabinet)
	case name == "tower_light":
		mode := gpio.TowerOff
		if on {
			mode = gpio.TowerOn
		}
		err = t.cabinet.SetTowerLight(mode)
	default:
		s, ok := t.cabinet.(indicatorSet)
		if !ok {
			err = fmt.Errorf("%w: %q", ErrNoCabinet, name)
			break
		}
		err = s.SetIndicator(name, on)
	}
	t.Desk.Audit(ctx, "set_output", map[string]any{"output": name, "on": on, "ok": err == nil})
	return err
}

// CheckNetwork checks the way to the hall now (netcheck.Check), with the kiosk's own client
// certificate over https.
func (t *Terminal) CheckNetwork(ctx context.Context) tech.NetReport {
	opts := &netcheck.Opts{}
	if strings.HasPrefix(t.Config.HallURL, "https://") {
		cfg, _, err := certs.ClientConfig(t.Config.Certs(), t.Config.KioskID)
		if err != nil {
			return tech.NetReport{HallURL: t.Config.HallURL, CheckedAt: time.Now(), TLS: true,
				ErrorKey: netcheck.KeyTLS, Error: "kiosk certificate: " + err.Error()}
		}
		opts.TLS = cfg
	}
	return netcheck.Check(ctx, t.Config.HallURL, opts)
}

// applied says which settings take effect in the running kiosk without a restart: the paper
// estimate, which the terminal reads itself, and what the desk takes through Reconfigure (the
// hall's name on receipts, the session and receipt timeouts, the offline policy).
func (t *Terminal) applied(key string) bool { return config.LiveKey(key) }

// settingsNow is the configuration as the technician has edited it since the start.
func (t *Terminal) settingsNow() config.Config {
	t.cfgMu.Lock()
	defer t.cfgMu.Unlock()
	return t.edited
}

// Settings lists the editable settings with their values.
func (t *Terminal) Settings() []tech.Setting {
	return config.Settings(t.settingsNow(), t.applied)
}

// ChangeSetting validates and saves one setting in the configuration file, logs the change
// and records it for the hall. A refused value is a *config.SettingError with the catalogue
// key to show.
func (t *Terminal) ChangeSetting(ctx context.Context, key, value, by string) error {
	if t.configPath == "" {
		return ErrNoConfigFile
	}
	t.cfgMu.Lock()
	defer t.cfgMu.Unlock()
	if _, err := t.edited.With(key, value); err != nil {
		return err // the running kiosk's view must take it as well
	}
	_, ch, err := config.Edit(t.configPath, t.Config.ChangeLogPath(), key, value, by, time.Now())
	if err != nil {
		return err
	}
	if next, err := t.edited.With(key, value); err == nil {
		t.edited = next
	}
	if config.LiveKey(key) && key != "printer.receipts_per_roll" {
		e := t.edited
		t.Desk.Reconfigure(desk.Live{IdleTimeout: e.IdleTimeout.Duration, SyncWait: e.SyncWait.Duration, HallName: e.HallName, Policy: e.OfflinePolicy})
	}
	t.Desk.Audit(ctx, "config_change", map[string]any{"key": ch.Key, "old": ch.Old, "new": ch.New, "by": by, "restart": !t.applied(key)})
	t.log.Info("terminal: setting changed", "key", ch.Key, "by", by)
	return nil
}

// ConfigLog is the configuration change log, oldest first.
func (t *Terminal) ConfigLog() []tech.Change {
	ch, err := config.ReadChanges(t.Config.ChangeLogPath())
	if err != nil {
		t.log.Warn("terminal: change log", "err", err)
	}
	return ch
}

// Logs returns the last n log lines (n <= 0: all kept), masked; none without Opts.Logs.
func (t *Terminal) Logs(n int) []tech.LogLine {
	if t.logs == nil {
		return nil
	}
	return t.logs.Lines(n)
}

// Consumables is the paper counter with the estimate of receipts left on the roll.
func (t *Terminal) Consumables() tech.Consumables {
	p, err := t.Journal.Paper()
	if err != nil {
		t.log.Warn("terminal: paper counter", "err", err)
	}
	c := tech.Consumables{Printed: p.Printed, ReplacedAt: p.ReplacedAt, PerRoll: t.settingsNow().Printer.PerRoll()}
	if p.PerRoll > 0 {
		c.PerRoll, c.Learned = p.PerRoll, true
	}
	c.Left = max(0, c.PerRoll-c.Printed)
	return c
}

// PaperReplaced resets the paper counter for a new roll and records it for the hall.
func (t *Terminal) PaperReplaced(ctx context.Context) error {
	before, _ := t.Journal.Paper()
	if _, err := t.Journal.PaperReplaced(time.Now()); err != nil {
		return err
	}
	t.Desk.Audit(ctx, "paper_replaced", map[string]any{"printed_before": before.Printed})
	return nil
}

// ExportOutbox writes the whole queue, personal data masked, as JSON to a new file in dir
// (outbox-KIOSK-TIME.json, 0600, synced with its directory so that a USB stick pulled right
// after holds it) and records the export for the hall.
func (t *Terminal) ExportOutbox(ctx context.Context, dir string) (path string, n int, err error) {
	defer func() {
		t.Desk.Audit(ctx, "export", map[string]any{"records": n, "ok": err == nil})
	}()
	fi, err := os.Stat(dir)
	if err != nil {
		return "", 0, fmt.Errorf("terminal: export: %w", err)
	}
	if !fi.IsDir() {
		return "", 0, fmt.Errorf("terminal: export: %s is not a directory", dir)
	}
	recs, err := t.Outbox.List(outbox.Filter{})
	if err != nil {
		return "", 0, fmt.Errorf("terminal: export: %w", err)
	}
	now := time.Now()
	path = filepath.Join(dir, "outbox-"+t.Config.KioskID+"-"+now.Format("20060102T150405")+".json")
	items := control.Items(recs, false)
	if err := control.WriteExport(path, control.Export{KioskID: t.Config.KioskID, ExportedAt: now.UTC(), Records: items}); err != nil {
		return "", 0, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return path, len(items), nil
}

// ExportDirs lists where an export can go: mounted USB sticks (directories matching
// Opts.ExportRoots) and, always last, DATA/exports.
func (t *Terminal) ExportDirs() []string {
	var out []string
	for _, pattern := range t.exportRoots {
		matches, _ := filepath.Glob(pattern)
		sort.Strings(matches)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				out = append(out, m)
			}
		}
	}
	fallback := filepath.Join(t.Config.DataDir, "exports")
	if err := os.MkdirAll(fallback, 0o700); err != nil {
		t.log.Warn("terminal: export directory", "err", err)
	}
	return append(out, fallback)
}

// testPage prints the technician's test page; it returns the printer's message key when the
// page did not print.
func (t *Terminal) testPage(ctx context.Context) string {
	d := &escpos.Document{}
	now := time.Now()
	d.Title(t.catalog.T(i18n.ZH, "maint.test_page")).
		Pair(t.catalog.T(i18n.ZH, "receipt.kiosk"), t.Config.KioskID).
		Pair(t.catalog.T(i18n.ZH, "receipt.time"), now.Format("2006-01-02 15:04:05")).
		QR("TK1:"+t.Config.KioskID+":TEST", 0).
		Feed(2).Cut()
	res, err := t.printer.Print(ctx, &escpos.Job{ID: "test-" + now.Format("20060102T150405"), Doc: d})
	switch {
	case err != nil:
		return escpos.MessageKey(err)
	case res.State != escpos.JobPrinted:
		return escpos.MessageKey(res.Err)
	}
	return ""
}

// maintEntry is the desk's entry to maintenance without a PIN, for kioskctl: the control
// socket, open only to the kiosk's own user and root, stands in for the PIN. The desk does not
// have it yet; until it does, `kioskctl maint enter` is refused with ErrUnsupported.
type maintEntry interface {
	EnterMaintenanceAs(ctx context.Context, via string) error
}

// InMaintenance reports whether the kiosk is out of taxpayer service for a technician.
func (t *Terminal) InMaintenance() bool { return t.Desk.InMaintenance() }

// EnterMaintenance takes the kiosk out of taxpayer service without a PIN (for the control
// socket); via is recorded in the audit.
func (t *Terminal) EnterMaintenance(ctx context.Context, via string) error {
	m, ok := any(t.Desk).(maintEntry)
	if !ok {
		return fmt.Errorf("%w: entering maintenance without a PIN; enter it on the screen", ErrUnsupported)
	}
	return m.EnterMaintenanceAs(ctx, via)
}

// ExitMaintenance returns the kiosk to taxpayer service.
func (t *Terminal) ExitMaintenance(ctx context.Context) { t.Desk.ExitMaintenance(ctx) }
