package staffweb

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxkiosk/kiosk/hall/staffweb/browsertest"
)

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

// waitText waits until the element's text is want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var got string
	for wctx.Err() == nil {
		got, _ = chromedp.Run(wctx, chromedp.Text(chromedp.CSS(sel)))
		if got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s shows %q, want %q", sel, got, want)
}

// TestBrowserLiveFramework: a real Chromium logs in, sees the page, and the page's live
// part changes without a reload when an action elsewhere publishes on its topic.
func TestBrowserLiveFramework(t *testing.T) {
	f := newFixture(t, testPages)
	ctx := browsertest.New(t, f.srv.Certificate())
	shots := browsertest.ShotsDir(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`form`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Shot(t, ctx, shots, "login-zh", browsertest.DeskW, browsertest.DeskH)
	browserLogin(t, ctx, f.srv.URL, "duty1")
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/probe"), chromedp.WaitVisible(chromedp.CSS(`body[data-connected]`))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "p.n", "0")
	// Someone else (another session) acts; this page learns of it by its event stream.
	other := f.login(t, "admin1")
	f.post(t, other, "/probe/poke", url.Values{"csrf": {f.csrf(t, other, "/probe")}, "back": {"/probe"}})
	waitText(t, ctx, "p.n", "1")
}
