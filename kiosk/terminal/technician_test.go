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
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/mask"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/kiosk/config"
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
		o.SelfTestWait = 20 * time.Second // a loaded machine reads a card slowly; the card comes at once
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
	if err := k.term.Desk().EnterMaintenance(context.Background(), techPIN, "test"); err != nil {
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

// TestSelfTestCard reads a card placed during the test, shows it masked, and the desk starts
// no session with it.
func TestSelfTestCard(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	k.enterMaintenance()
	p, _ := idcardsim.PersonaByKey("resident-male")
	go func() {
		time.Sleep(300 * time.Millisecond) // the technician places the card after pressing the button
		k.demo.PlaceCard("resident-male")
	}()
	st := k.term.Menu().SelfTest(context.Background(), tech.DeviceIDCard)
	if !st.OK {
		t.Fatalf("card test: %+v", st)
	}
	fields := map[string]string{}
	for _, f := range st.Fields {
		fields[f.Label] = f.Value
	}
	if fields["name"] != mask.Name(p.Card.Name) || fields["id_number"] != mask.ID(p.Card.IDNumber) ||
		fields["check_digit"] != "ok" || fields["card_type"] != p.Card.CardType {
		t.Fatalf("fields %+v", fields)
	}
	b, _ := json.Marshal(st)
	if bytes.Contains(b, []byte(p.Card.IDNumber)) || bytes.Contains(b, []byte(p.Card.Name)) {
		t.Fatalf("self-test carries personal data: %s", b)
	}
	if _, ok := k.term.Desk().Person(); ok {
		t.Fatal("the test card started a session")
	}
}

// TestSelfTestScanner: the next code goes to the test, described by kind and length only;
// the code after it goes to the desk again.
func TestSelfTestScanner(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	k.enterMaintenance()
	go func() {
		time.Sleep(300 * time.Millisecond)
		k.demo.ScanSample(0)
	}()
	st := k.term.Menu().SelfTest(context.Background(), tech.DeviceScanner)
	length := strconv.Itoa(len(scannersim.SampleCodes()[0].Payload)) // ASCII: bytes are characters
	if !st.OK || len(st.Fields) != 2 || st.Fields[0].Value != "invoice" || st.Fields[1].Value != length {
		t.Fatalf("scan test: %+v", st)
	}
	if b, _ := json.Marshal(st); bytes.Contains(b, []byte("3100181130")) {
		t.Fatalf("scan test shows the content: %s", b)
	}
}

func TestSelfTestPrinterCountsPaper(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	k.enterMaintenance()
	before := k.term.Menu().Consumables()
	if before.Printed != 0 || before.PerRoll != config.DefaultReceiptsPerRoll || before.Learned || before.Left != before.PerRoll {
		t.Fatalf("fresh counter %+v", before)
	}
	st := k.term.Menu().SelfTest(context.Background(), tech.DevicePrinter)
	if !st.OK {
		t.Fatalf("printer test: %+v", st)
	}
	if n := len(k.demo.Printer.Receipts()); n != 1 {
		t.Fatalf("%d pages printed", n)
	}
	if c := k.term.Menu().Consumables(); c.Printed != 1 || c.Left != c.PerRoll-1 {
		t.Fatalf("after one page: %+v", c)
	}
	k.demo.SetCover(true)
	if st := k.term.Menu().SelfTest(context.Background(), tech.DevicePrinter); st.OK || st.MessageKey != "printer.cover_open" {
		t.Fatalf("cover open: %+v", st)
	}
	if c := k.term.Menu().Consumables(); c.Printed != 1 {
		t.Fatalf("a page that did not print was counted: %+v", c)
	}
}

func TestPinsAndOutputs(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	ctx := context.Background()
	k.enterMaintenance() // the desk keeps the tower light on in maintenance
	if err := k.term.Menu().SetOutput(ctx, "tower_light", false); err != nil {
		t.Fatal(err)
	}
	if m := k.demo.TowerLight(); m != gpio.TowerOff {
		t.Fatalf("tower light %s after switching it off", m)
	}
	k.demo.SetDoor(true)
	deadline := time.Now().Add(5 * time.Second)
	var pins []tech.Pin
	for time.Now().Before(deadline) {
		pins = k.term.Menu().Pins()
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
	if err := k.term.Menu().SetOutput(ctx, "tower_light", true); err != nil || k.demo.TowerLight() != gpio.TowerOn {
		t.Fatalf("tower on: %v %s", err, k.demo.TowerLight())
	}
	if err := k.term.Menu().SetOutput(ctx, "siren", true); !errors.Is(err, gpio.ErrNotFitted) {
		t.Fatalf("an indicator the demo lacks: %v", err)
	}
	if d := k.hallAudit("set_output", 10*time.Second); d["output"] == nil {
		t.Fatalf("set_output audit %v", d)
	}
}

// TestLiveSettingReachesTheDesk: a setting that applies at once reaches the running desk
// (kiosk/techmenu's tests cover the rest of ChangeSetting): a service made online-only is
// refused as soon as the hall cannot be reached, and the file holds only the change.
func TestLiveSettingReachesTheDesk(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	ctx := context.Background()
	if err := k.term.Menu().ChangeSetting(ctx, "offline_policy.services.vat_return.mode", "online_only", "screen"); err != nil {
		t.Fatal(err)
	}
	saved, err := config.Load(k.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if saved.OfflinePolicy.Rule("vat_return").Mode != policy.OnlineOnly || saved.Printer.Port != config.Default().Printer.Port {
		t.Fatalf("saved %+v, printer %+v", saved.OfflinePolicy.Rule("vat_return"), saved.Printer)
	}
	if d := k.hallAudit("config_change", 10*time.Second); d["key"] != "offline_policy.services.vat_return.mode" {
		t.Fatalf("config_change audit %v", d)
	}
	k.demo.SetLink(false)
	k.waitFor("VAT returns refused offline", func() bool { return vatRefusedOffline(k.term.Desk().Services()) })
}

func TestCheckNetwork(t *testing.T) {
	t.Parallel()
	k := newTechKiosk(t)
	// The demo's hall requires kiosk certificates, as a real one does.
	r := k.term.Menu().CheckNetwork(context.Background())
	if !r.Reachable || !r.TLS || !r.SkewKnown || r.HallCertExpires.IsZero() || r.KioskCertExpires.IsZero() {
		t.Fatalf("demo hall: %+v", r)
	}
	k.demo.SetLink(false)
	if r := k.term.Menu().CheckNetwork(context.Background()); r.Reachable || r.ErrorKey == "" {
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
