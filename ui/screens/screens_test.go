package screens

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"taxkiosk/assets"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/terminal"
	kt "taxkiosk/ui/theme"
)

// fixedNow keeps periods, times and the countdown in the golden images stable.
var fixedNow = time.Date(2026, 12, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

type harness struct {
	t    *testing.T
	demo *demo.Demo
	term *terminal.Terminal
	app  *App
	win  fyne.Window
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	th := kt.New()
	a.Settings().SetTheme(th)
	dir := t.TempDir()
	d, err := demo.Start(demo.Opts{Dir: filepath.Join(dir, "demo")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	c.DataDir = filepath.Join(dir, "kiosk")
	d.Configure(&c)
	term, err := terminal.Open(c, terminal.Opts{Catalog: cat, MaxBackoff: 300 * time.Millisecond, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	term.Start()
	app := New(term.Desk, cat, th, Opts{})
	w := test.NewTempWindow(t, app.Content())
	w.Resize(fyne.NewSize(1280, 800))
	return &harness{t: t, demo: d, term: term, app: app, win: w}
}

// pump delivers the desk's next event to the screens, as package bridge does in the kiosk.
func (h *harness) pump() desk.Event {
	h.t.Helper()
	select {
	case e := <-h.term.Desk.Events():
		h.app.HandleEvent(e)
		return e
	case <-time.After(10 * time.Second):
		h.t.Fatal("no desk event")
		return nil
	}
}

func (h *harness) tap(key string) {
	h.t.Helper()
	b := h.app.Button(key)
	if b == nil {
		h.t.Fatalf("screen %s has no button %q", h.app.Screen(), key)
	}
	if b.MinSize().Height < kt.MinTouch-16 {
		h.t.Errorf("button %q is %.0f high: too small for a finger", key, b.MinSize().Height)
	}
	test.Tap(b)
}

func (h *harness) waitScreen(s Screen) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for h.app.Screen() != s {
		if time.Now().After(deadline) {
			h.t.Fatalf("screen is %s, want %s", h.app.Screen(), s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// golden checks the screen against testdata/<name>_<lang>.png in both languages.
func (h *harness) golden(name string) {
	h.t.Helper()
	for _, l := range i18n.Langs {
		if h.app.Lang() != l {
			h.tap("common.lang_switch")
		}
		test.AssertImageMatches(h.t, name+"_"+string(l)+".png", h.win.Canvas().Capture())
	}
	h.tap("common.lang_switch") // back to Chinese
}

func (h *harness) text() string {
	return test.RenderObjectToMarkup(h.app.Content())
}

func TestThinPathOnScreen(t *testing.T) {
	h := newHarness(t)
	h.app.SetNetwork(NetState{Online: true})
	h.golden("idle")

	if err := h.demo.PlaceCard("resident-male"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.pump().(desk.SessionStarted); !ok {
		t.Fatal("card placed, no session")
	}
	h.waitScreen(ScreenWelcome)
	if strings.Contains(h.text(), "张伟") {
		t.Fatal("welcome screen shows the full name")
	}
	h.golden("welcome")

	h.tap("service.vat_zero.title")
	h.waitScreen(ScreenVAT)
	h.golden("vat")
	h.tap("vat.next")
	h.waitScreen(ScreenConfirm)
	h.golden("confirm")
	h.tap("confirm.submit")
	h.waitScreen(ScreenResult)
	h.app.SetNetwork(NetState{Online: true})
	h.golden("result")
	if !strings.Contains(h.text(), "已送达税务大厅") {
		t.Fatalf("online result does not say delivered:\n%s", h.text())
	}

	h.tap("common.finish")
	h.waitScreen(ScreenIdle)
	if strings.Contains(h.text(), "张") {
		t.Fatal("the idle screen still shows the taxpayer")
	}
}

func TestOfflineResultAndCardLifted(t *testing.T) {
	h := newHarness(t)
	h.demo.SetLink(false)
	h.app.SetNetwork(NetState{Online: false, Pending: 0})
	if err := h.demo.PlaceCard("resident-female"); err != nil {
		t.Fatal(err)
	}
	h.pump()
	h.tap("service.vat_zero.title")
	h.tap("vat.next")
	h.tap("confirm.submit")
	h.waitScreen(ScreenResult)
	h.app.SetNetwork(NetState{Online: false, Pending: 1})
	h.golden("result_offline")
	if !strings.Contains(h.text(), "网络恢复后自动上传") {
		t.Fatalf("offline result does not say queued:\n%s", h.text())
	}
	h.demo.LiftCard()
	if _, ok := h.pump().(desk.SessionEnded); !ok {
		t.Fatal("card lifted, session not ended")
	}
	h.waitScreen(ScreenIdle)
	h.golden("idle_card_lifted")
}

func TestPaperOutStillAccepts(t *testing.T) {
	h := newHarness(t)
	if err := h.demo.SetPaper("end"); err != nil {
		t.Fatal(err)
	}
	h.demo.PlaceCard("resident-male")
	h.pump()
	h.tap("service.vat_zero.title")
	h.tap("vat.next")
	h.tap("confirm.submit")
	h.waitScreen(ScreenResult)
	h.app.SetNetwork(NetState{Online: true})
	if !strings.Contains(h.text(), "打印机缺纸") || !strings.Contains(h.text(), "申报已受理") {
		t.Fatalf("paper-out result:\n%s", h.text())
	}
	if n := len(h.demo.Printer.Receipts()); n != 0 {
		t.Fatalf("%d receipts came out of an empty printer", n)
	}
	h.golden("result_paper_out")
}
