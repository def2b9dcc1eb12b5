package terminal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/txn"
)

const techPIN = "246810"

// techKiosk is a kiosk with a technician PIN, a configuration file, a log ring and a USB
// mount root of its own.
type techKiosk struct {
	*kiosk
	cfgPath string
	usb     string
	ring    *logring.Ring
	teed    *lockedWriter
}

func newTechKiosk(t *testing.T) *techKiosk {
	t.Helper()
	hash, err := maint.HashPIN(techPIN)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tk := &techKiosk{cfgPath: filepath.Join(dir, "kiosk.json"), usb: filepath.Join(dir, "media"), teed: &lockedWriter{w: &bytes.Buffer{}}}
	os.MkdirAll(filepath.Join(tk.usb, "tech", "STICK"), 0o700)
	tk.ring = logring.New(slog.NewTextHandler(tk.teed, nil), 200)
	tk.kiosk = newKioskConfigured(t, func(o *terminal.Opts) {
		o.ConfigPath = tk.cfgPath
		o.Logs = tk.ring
		o.Log = slog.New(tk.ring)
		o.ExportRoots = []string{filepath.Join(tk.usb, "*", "*")}
	}, func(c *config.Config) {
		c.TechnicianPINs = []string{hash}
	})
	return tk
}

// lockedWriter lets the test read what the log handler writes from other goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

func (k *techKiosk) enterMaintenance() {
	k.t.Helper()
	if err := k.term.Desk.EnterMaintenance(context.Background(), techPIN, "test"); err != nil {
		k.t.Fatal(err)
	}
}

// hallAudit waits until the hall holds an audit of action and returns its detail.
func (k *kiosk) hallAudit(action string, within time.Duration) map[string]any {
	k.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		entries, err := k.demo.Hall.List(context.Background())
		if err != nil {
			k.t.Fatal(err)
		}
		for _, e := range entries {
			var body struct {
				Action string         `json:"action"`
				Detail map[string]any `json:"detail"`
			}
			if e.Txn.Kind == txn.KindAudit && json.Unmarshal(e.Txn.Body, &body) == nil && body.Action == action {
				if e.Txn.Taxpayer != nil {
					k.t.Errorf("audit %s carries a taxpayer", action)
				}
				return body.Detail
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	k.t.Fatalf("the hall never got an audit of %s", action)
	return nil
}

func TestSelfTestNeedsMaintenanceForCardAndScanner(t *testing.T) {
	k := newTechKiosk(t)
	ctx := context.Background()
	for _, dev := range []string{tech.DeviceIDCard, tech.DeviceScanner, tech.DevicePrinter} {
		if st := k.term.SelfTest(ctx, dev); st.OK || st.MessageKey != terminal.KeySelfTestNotInMaint {
			t.Errorf("%s outside maintenance: %+v", dev, st)
		}
	}
	if st := k.term.SelfTest(ctx, "coffee"); st.OK || st.MessageKey != terminal.KeySelfTestUnknown {
		t.Errorf("unknown device: %+v", st)
	}
	// The cabinet test reads the pins and needs no maintenance.
	st := k.term.SelfTest(ctx, tech.DeviceGPIO)
	if !st.OK || len(st.Fields) != 4 {
		t.Fatalf("gpio: %+v", st)
	}
	if d := k.hallAudit("selftest", 10*time.Second); d["device"] == nil {
		t.Fatalf("selftest audit %v", d)
	}
}

// TestSelfTestCard reads a card placed during the test, shows it masked, and the desk starts
// no session with it.
func TestSelfTestCard(t *testing.T) {
	k := newTechKiosk(t)
	k.enterMaintenance()
	p, _ := idcardsim.PersonaByKey("resident-male")
	go func() {
		time.Sleep(300 * time.Millisecond) // the technician places the card after pressing the button
		k.demo.PlaceCard("resident-male")
	}()
	st := k.term.SelfTest(context.Background(), tech.DeviceIDCard)
	if !st.OK {
		t.Fatalf("card test: %+v", st)
	}
	fields := map[string]string{}
	for _, f := range st.Fields {
		fields[f.Label] = f.Value
	}
	if fields["name"] != txn.MaskName(p.Card.Name) || fields["id_number"] != txn.MaskID(p.Card.IDNumber) ||
		fields["check_digit"] != "ok" || fields["card_type"] != p.Card.CardType {
		t.Fatalf("fields %+v", fields)
	}
	b, _ := json.Marshal(st)
	if bytes.Contains(b, []byte(p.Card.IDNumber)) || bytes.Contains(b, []byte(p.Card.Name)) {
		t.Fatalf("self-test carries personal data: %s", b)
	}
	if _, ok := k.term.Desk.Person(); ok {
		t.Fatal("the test card started a session")
	}
	k.demo.LiftCard()
	// No card: the test gives up after its wait.
	if st := k.term.SelfTest(context.Background(), tech.DeviceIDCard); st.OK || st.MessageKey != terminal.KeySelfTestTimeout {
		t.Fatalf("no card: %+v", st)
	}
}

// TestSelfTestScanner: the next code goes to the test, described by kind and length only;
// the code after it goes to the desk again.
func TestSelfTestScanner(t *testing.T) {
	k := newTechKiosk(t)
	k.enterMaintenance()
	go func() {
		time.Sleep(300 * time.Millisecond)
		k.demo.ScanSample(0)
	}()
	st := k.term.SelfTest(context.Background(), tech.DeviceScanner)
	length := strconv.Itoa(len(scannersim.SampleCodes()[0].Payload)) // ASCII: bytes are characters
	if !st.OK || len(st.Fields) != 2 || st.Fields[0].Value != "invoice" || st.Fields[1].Value != length {
		t.Fatalf("scan test: %+v", st)
	}
	if b, _ := json.Marshal(st); bytes.Contains(b, []byte("3100181130")) {
		t.Fatalf("scan test shows the content: %s", b)
	}
}

func TestSelfTestPrinterCountsPaper(t *testing.T) {
	k := newTechKiosk(t)
	k.enterMaintenance()
	before := k.term.Consumables()
	if before.Printed != 0 || before.PerRoll != config.DefaultReceiptsPerRoll || before.Learned || before.Left != before.PerRoll {
		t.Fatalf("fresh counter %+v", before)
	}
	st := k.term.SelfTest(context.Background(), tech.DevicePrinter)
	if !st.OK {
		t.Fatalf("printer test: %+v", st)
	}
	if n := len(k.demo.Printer.Receipts()); n != 1 {
		t.Fatalf("%d pages printed", n)
	}
	if c := k.term.Consumables(); c.Printed != 1 || c.Left != c.PerRoll-1 {
		t.Fatalf("after one page: %+v", c)
	}
	k.demo.SetCover(true)
	if st := k.term.SelfTest(context.Background(), tech.DevicePrinter); st.OK || st.MessageKey != "printer.cover_open" {
		t.Fatalf("cover open: %+v", st)
	}
	if c := k.term.Consumables(); c.Printed != 1 {
		t.Fatalf("a page that did not print was counted: %+v", c)
	}
}

// TestPaperLearnsFromNearEnd: a roll put in with PaperReplaced that runs down teaches the
// kiosk how many receipts a roll gives.
func TestPaperLearnsFromNearEnd(t *testing.T) {
	k := newTechKiosk(t)
	ctx := context.Background()
	k.term.TestPrint(ctx) // on the roll that was in before anyone counted
	if err := k.term.PaperReplaced(ctx); err != nil {
		t.Fatal(err)
	}
	if c := k.term.Consumables(); c.Printed != 0 || c.ReplacedAt.IsZero() {
		t.Fatalf("after replacing: %+v", c)
	}
	k.hallAudit("paper_replaced", 10*time.Second)
	for range 3 {
		if key := k.term.TestPrint(ctx); key != "" {
			t.Fatal(key)
		}
	}
	k.demo.SetPaper("near_end")
	if key := k.term.TestPrint(ctx); key != "" {
		t.Fatal(key)
	}
	c := k.term.Consumables()
	if !c.Learned || c.PerRoll != 4 || c.Printed != 4 || c.Left != 0 {
		t.Fatalf("after near-end: %+v", c)
	}
}

func TestPinsAndOutputs(t *testing.T) {
	k := newTechKiosk(t)
	ctx := context.Background()
	k.enterMaintenance() // the desk keeps the tower light on in maintenance
	if err := k.term.SetOutput(ctx, "tower_light", false); err != nil {
		t.Fatal(err)
	}
	if m := k.demo.TowerLight(); m != gpio.TowerOff {
		t.Fatalf("tower light %s after switching it off", m)
	}
	k.demo.SetDoor(true)
	deadline := time.Now().Add(5 * time.Second)
	var pins []tech.Pin
	for time.Now().Before(deadline) {
		pins = k.term.Pins()
		if len(pins) == 4 && pins[1].Active {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	want := []tech.Pin{
		{Name: "presence", Fitted: true}, {Name: "door", Fitted: true, Active: true}, {Name: "help", Fitted: true},
		{Name: "tower_light", Output: true, Fitted: true, Mode: "off"},
	}
	if len(pins) != len(want) {
		t.Fatalf("pins %+v", pins)
	}
	for i := range want {
		if pins[i] != want[i] {
			t.Errorf("pin %d: %+v, want %+v", i, pins[i], want[i])
		}
	}
	if err := k.term.SetOutput(ctx, "tower_light", true); err != nil || k.demo.TowerLight() != gpio.TowerOn {
		t.Fatalf("tower on: %v %s", err, k.demo.TowerLight())
	}
	if err := k.term.SetOutput(ctx, "siren", true); !errors.Is(err, gpio.ErrNotFitted) {
		t.Fatalf("an indicator the demo lacks: %v", err)
	}
	if d := k.hallAudit("set_output", 10*time.Second); d["output"] == nil {
		t.Fatalf("set_output audit %v", d)
	}
}

func TestNoCabinet(t *testing.T) {
	k := newKioskWith(t, func(o *terminal.Opts) { o.Cabinet = nil })
	if p := k.term.Pins(); len(p) != 0 {
		t.Fatalf("pins without a cabinet: %+v", p)
	}
	if err := k.term.SetOutput(context.Background(), "tower_light", true); !errors.Is(err, terminal.ErrNoCabinet) {
		t.Fatalf("output without a cabinet: %v", err)
	}
	if st := k.term.SelfTest(context.Background(), tech.DeviceGPIO); st.OK || st.MessageKey != terminal.KeySelfTestNotFitted {
		t.Fatalf("gpio test without a cabinet: %+v", st)
	}
}

func TestChangeSetting(t *testing.T) {
	k := newTechKiosk(t)
	ctx := context.Background()
	if err := k.term.ChangeSetting(ctx, "printer.receipts_per_roll", "250", "screen"); err != nil {
		t.Fatal(err)
	}
	// The paper estimate applies at once; the baud rate after a restart.
	if c := k.term.Consumables(); c.PerRoll != 250 {
		t.Fatalf("estimate not applied: %+v", c)
	}
	if err := k.term.ChangeSetting(ctx, "printer.baud", "9600", "kioskctl"); err != nil {
		t.Fatal(err)
	}
	settings := map[string]tech.Setting{}
	for _, s := range k.term.Settings() {
		settings[s.Key] = s
	}
	if s := settings["printer.receipts_per_roll"]; s.Value != "250" || s.Restart {
		t.Errorf("receipts_per_roll %+v", s)
	}
	if s := settings["printer.baud"]; s.Value != "9600" || !s.Restart {
		t.Errorf("printer.baud %+v", s)
	}
	// The file holds the changes and nothing the demo put in the running configuration.
	saved, err := config.Load(k.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Printer.Baud != 9600 || saved.Printer.ReceiptsPerRoll != 250 || saved.Printer.Port != config.Default().Printer.Port {
		t.Fatalf("saved %+v", saved.Printer)
	}
	var se *config.SettingError
	if err := k.term.ChangeSetting(ctx, "printer.baud", "1234", "screen"); !errors.As(err, &se) || se.MessageKey != config.KeyBadValue {
		t.Fatalf("bad baud: %v", err)
	}
	if err := k.term.ChangeSetting(ctx, "technician_pins", "x", "screen"); !errors.As(err, &se) || se.MessageKey != config.KeyUnknownKey {
		t.Fatalf("PIN hashes from the menu: %v", err)
	}
	log := k.term.ConfigLog()
	if len(log) != 2 || log[0].Key != "printer.receipts_per_roll" || log[0].Old != "400" || log[0].New != "250" || log[1].By != "kioskctl" {
		t.Fatalf("change log %+v", log)
	}
	if d := k.hallAudit("config_change", 10*time.Second); d["key"] == nil {
		t.Fatalf("config_change audit %v", d)
	}

	// The offline policy applies at once: a service made online-only is refused as soon as the
	// hall cannot be reached.
	if err := k.term.ChangeSetting(ctx, "offline_policy.services.vat_return.mode", "online_only", "screen"); err != nil {
		t.Fatal(err)
	}
	for _, s := range k.term.Settings() {
		if s.Key == "offline_policy.services.vat_return.mode" && (s.Restart || s.Value != "online_only") {
			t.Fatalf("policy setting %+v", s)
		}
	}
	k.demo.SetLink(false)
	deadline := time.Now().Add(15 * time.Second)
	for !vatRefusedOffline(k.term.Desk.Services()) {
		if time.Now().After(deadline) {
			t.Fatalf("VAT returns still offered offline: %+v", k.term.Desk.Services())
		}
		time.Sleep(50 * time.Millisecond)
	}
	k.demo.SetLink(true)

	noFile := newKioskWith(t, func(o *terminal.Opts) { o.ConfigPath = "" })
	if err := noFile.term.ChangeSetting(ctx, "idle_timeout", "90s", "screen"); !errors.Is(err, terminal.ErrNoConfigFile) {
		t.Fatalf("without a config path: %v", err)
	}
}

// TestLogsMasked: an ID number logged by mistake shows neither on the log page nor on stderr.
func TestLogsMasked(t *testing.T) {
	k := newTechKiosk(t)
	p, _ := idcardsim.PersonaByKey("resident-female")
	// On purpose: the unmasked number as a mistaken log call would pass it. The ring's
	// masking is the safety net under the code's own, and this proves it holds, in the ring
	// and in what it tees on (a buffer here, stderr in the kiosk); nothing reaches a file.
	slog.New(k.ring).Warn("a log call that forgot to mask", "id", p.Card.IDNumber)
	lines := k.term.Logs(0)
	if len(lines) == 0 {
		t.Fatal("no log lines")
	}
	var all strings.Builder
	for _, l := range lines {
		all.WriteString(l.Text + "\n")
	}
	if strings.Contains(all.String(), p.Card.IDNumber) || !strings.Contains(all.String(), txn.MaskID(p.Card.IDNumber)) {
		t.Fatalf("log page:\n%s", all.String())
	}
	if last := k.term.Logs(1); len(last) != 1 || last[0].Level != "WARN" {
		t.Fatalf("last line %+v", last)
	}
	if strings.Contains(k.teed.String(), p.Card.IDNumber) {
		t.Fatal("stderr got the ID number")
	}
	if l := newKioskWith(t, func(o *terminal.Opts) { o.Logs, o.Log = nil, nil }).term.Logs(10); l != nil {
		t.Fatalf("logs without a ring: %+v", l)
	}
}

func TestExportOutbox(t *testing.T) {
	k := newTechKiosk(t)
	ctx := context.Background()
	k.identify("resident-male")
	if _, err := k.term.Services.Filing.Submit(ctx, k.term.Services.Filing.Draft(), "zh"); err != nil {
		t.Fatal(err)
	}
	dirs := k.term.ExportDirs()
	if len(dirs) != 2 || dirs[0] != filepath.Join(k.usb, "tech", "STICK") || !strings.HasSuffix(dirs[1], "exports") {
		t.Fatalf("export dirs %q", dirs)
	}
	path, n, err := k.term.ExportOutbox(ctx, dirs[0])
	if err != nil || n < 1 {
		t.Fatalf("export: %q %d %v", path, n, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || !strings.HasPrefix(filepath.Base(path), "outbox-TEST-01-") {
		t.Fatalf("export file %v %v", fi, err)
	}
	b, _ := os.ReadFile(path)
	var e control.Export
	if err := json.Unmarshal(b, &e); err != nil || len(e.Records) != n || e.Revealed {
		t.Fatalf("export content: %v", err)
	}
	p, _ := idcardsim.PersonaByKey("resident-male")
	if bytes.Contains(b, []byte(p.Card.IDNumber)) || bytes.Contains(b, []byte(p.Card.Name)) {
		t.Fatal("export holds personal data unmasked")
	}
	if _, _, err := k.term.ExportOutbox(ctx, filepath.Join(k.usb, "gone")); err == nil {
		t.Fatal("export to a missing directory")
	}
	if d := k.hallAudit("export", 10*time.Second); d["records"] == nil {
		t.Fatalf("export audit %v", d)
	}
}

func TestCheckNetwork(t *testing.T) {
	k := newTechKiosk(t)
	// The demo's hall requires kiosk certificates, as a real one does.
	r := k.term.CheckNetwork(context.Background())
	if !r.Reachable || !r.TLS || !r.SkewKnown || r.HallCertExpires.IsZero() || r.KioskCertExpires.IsZero() {
		t.Fatalf("demo hall: %+v", r)
	}
	k.demo.SetLink(false)
	if r := k.term.CheckNetwork(context.Background()); r.Reachable || r.ErrorKey == "" {
		t.Fatalf("cut link: %+v", r)
	}
}

func vatRefusedOffline(av []desk.Availability) bool {
	for _, a := range av {
		if a.Service == desk.ServiceVAT {
			return !a.Available && a.ReasonKey == policy.ReasonOnlineOnly
		}
	}
	return false
}
