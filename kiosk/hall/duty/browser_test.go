package duty

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/staffweb/browsertest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
)

// kioskBeacon is a kiosk's beacon (hallsync.Beacon over a real outbox) beating to the
// fixture's hall every 50 ms until stopped.
type kioskBeacon struct {
	stop func()
}

func startBeacon(t *testing.T, f *hallFixture, ob *outbox.Outbox, report hallsync.Report) *kioskBeacon {
	b := hallsync.NewBeacon(ob, &hallapi.Client{BaseURL: f.api.URL}, report, nil, &hallsync.BeaconOpts{Every: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx) }()
	k := &kioskBeacon{stop: func() { cancel(); <-done }}
	t.Cleanup(k.stop)
	return k
}

// browserLogin logs the browser in as name through the login form.
func browserLogin(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.logout`)),
	)
	if err != nil {
		t.Fatalf("logging in as %s: %v", name, err)
	}
}

// waitFor waits until the page has an element matching sel, without reloading it.
func waitFor(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#live`)))
		t.Fatalf("%s: no %s: %v\n%.2000s", what, sel, err, html)
	}
}

// notReloaded checks the mark the test left on the page is still there: the page changed
// by its live updates, not by loading again.
func notReloaded(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	mark, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.dutyMark)`))
	if err != nil || mark != "kept" {
		t.Fatalf("%s: the page was reloaded (mark %q, %v)", what, mark, err)
	}
}

// TestBrowserBoardFollowsKiosk: in a real headless Chromium, the duty leader's board shows
// a kiosk in service, then offline once its heartbeats stop for the silent time and the hall
// sweeps, then back in service when it beats again, all without a reload; the alarm it
// raised is acknowledged from the page. Every duty page is shot in both languages, at the
// desk's size, and the board at a phone's too ($STAFF_SHOTS).
func TestBrowserBoardFollowsKiosk(t *testing.T) {
	now := time.Now()
	_, from, _ := hall.HallDay(now)
	// The fixture's day is today: the browser keeps the session cookie by the machine's clock.
	f := newHallFixtureAt(t, from.Add(10*time.Hour))
	f.clock.Add(now.Sub(f.clock.Now()))
	f.day(t)
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), &outbox.Opts{KioskID: "K3", Key: func() *seal.Key {
		k, _ := seal.NewKey(make([]byte, seal.KeySize))
		return k
	}()})
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	report := func() hallapi.Heartbeat {
		return hallapi.Heartbeat{State: hallapi.StateInService, Paper: hallapi.PaperOK, PaperLeft: 318, Version: "0.1.8",
			CertExpiry: now.AddDate(1, 0, 0), Devices: []hallapi.DeviceHealth{{Name: "idcard", State: "online"}, {Name: "printer", State: "online"}, {Name: "scanner", State: "online"}}}
	}
	k3 := startBeacon(t, f, ob, report)
	ctx := browsertest.New(t, f.web.Certificate())
	shots := browsertest.ShotsDir(t)
	browserLogin(t, ctx, f.web.URL, "duty1")
	if err := chromedp.Do(ctx, chromedp.Navigate(f.web.URL+"/duty"), chromedp.WaitVisible(chromedp.CSS(`body[data-connected]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "K3 in service", `tr[data-kiosk="K3"][data-state="in_service"]`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.dutyMark = "kept"`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Shot(t, ctx, shots, "duty-board-live-zh", browsertest.DeskW, browsertest.DeskH)
	browsertest.Shot(t, ctx, shots, "duty-board-phone-zh", browsertest.PhoneW, browsertest.PhoneH)

	// The kiosk's heartbeats stop; the silent time passes; the hall sweeps.
	k3.stop()
	f.clock.Add(f.hall.FleetRules().SilentAfter + time.Minute)
	f.fleetBeats(t) // the other kiosks go on beating
	if got, err := f.hall.Sweep(context.Background()); err != nil || len(got) == 0 {
		t.Fatalf("sweep: %+v %v", got, err)
	}
	waitFor(t, ctx, "K3 offline", `tr[data-kiosk="K3"][data-state="offline"]`)
	waitFor(t, ctx, "the silent alarm", `tr.pending[data-kind="silent"][data-kiosk="K3"]`)
	notReloaded(t, ctx, "offline")
	since, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-kiosk="K3"] td:nth-child(2)`)))
	if err != nil || !strings.Contains(since, "起离线") {
		t.Fatalf("offline cell %q %v", since, err)
	}
	browsertest.Shot(t, ctx, shots, "duty-board-offline-zh", browsertest.DeskW, browsertest.DeskH)

	// It beats again: back in service, the silence ended but still to acknowledge.
	k3 = startBeacon(t, f, ob, report)
	waitFor(t, ctx, "K3 back", `tr[data-kiosk="K3"][data-state="in_service"]`)
	notReloaded(t, ctx, "back")
	k3.stop()
	// Acknowledge the silence from the page (a form: this one reloads, as a form does).
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`tr[data-kind="silent"][data-kiosk="K3"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.msg`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "silence acknowledged", `tr.acked[data-kind="silent"][data-kiosk="K3"]`)
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.msg`)))
	if msg != "已完成。" {
		t.Fatalf("after acknowledging: %q", msg)
	}

	// The duty leader writes a notice and a line of the duty log from the pages' forms.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.web.URL+"/duty/notices"),
		chromedp.SendKeys(chromedp.CSS(`input[name=title_zh]`), "元旦假期办税安排"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text_zh]`), "1月1日至3日自助办税终端照常24小时服务，窗口休息。"),
		chromedp.SendKeys(chromedp.CSS(`input[name=title_en]`), "New Year holiday hours"),
		chromedp.Click(chromedp.CSS(`form.notice-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-notice]`))); err != nil {
		t.Fatalf("publishing a notice: %v", err)
	}
	if ns, _ := f.store.Notices(context.Background(), f.clock.Now()); len(ns) != 1 || ns[0].Title.EN != "New Year holiday hours" || ns[0].By != "duty1" {
		t.Fatalf("notices after the form: %+v", ns)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(f.web.URL+"/duty/log"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text]`), "下午2号机缺纸，已通知补纸；纳税人建议增加英文提示。"),
		chromedp.Click(chromedp.CSS(`form.card button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.notes li`))); err != nil {
		t.Fatalf("writing a note: %v", err)
	}
	for _, lang := range []string{"zh", "en"} {
		for _, p := range []struct{ path, name string }{{"/duty", "board"}, {"/duty/stats", "stats"}, {"/duty/log", "log"}, {"/duty/notices", "notices"}} {
			if err := chromedp.Do(ctx, chromedp.Navigate(f.web.URL+p.path+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
				t.Fatal(err)
			}
			h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main h1`)))
			if lang == "en" && strings.ContainsAny(h1, "值班日志看板公告工作量") || lang == "zh" && !strings.ContainsAny(h1, "值班日志看板公告工作量") {
				t.Errorf("%s %s heading %q", lang, p.path, h1)
			}
			browsertest.Shot(t, ctx, shots, fmt.Sprintf("duty-%s-%s", p.name, lang), browsertest.DeskW, browsertest.DeskH)
		}
	}
	browsertest.Shot(t, ctx, shots, "duty-notices-phone-en", browsertest.PhoneW, browsertest.PhoneH)
}
