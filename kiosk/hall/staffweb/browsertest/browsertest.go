package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Desk and Phone are the viewports the staff pages must be usable at.
const (
	DeskW, DeskH   = 1366, 768
	PhoneW, PhoneH = 390, 844
)

// chromium finds the browser binary.
func chromium(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("STAFF_REQUIRE_CHROMIUM") != "" {
		t.Fatal("no chromium on PATH (apt install chromium)")
	}
	t.Skip("no chromium on PATH: browser test skipped (apt install chromium)")
	return ""
}

// New starts a headless Chromium for the test, at the desk screen's size, and returns a
// context for its first tab; everything is stopped at cleanup. The hall's certificate is
// from its own CA, which this throwaway profile does not know: certificate errors are
// ignored (the TLS set-up itself is tested in the hall's own tests).
func New(t testing.TB) context.Context {
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(DeskW, DeskH),
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first call starts the browser, which lives as long as that call's context: no
	// timeout here (chromedp.Run's rule), so a broken browser fails now rather than later.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// Tab opens another tab of the same browser (another person at another desk shares no
// cookies only if they use another browser: use New for that).
func Tab(t testing.TB, browser context.Context) context.Context {
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	return ctx
}

// ShotsDir is where screenshots go: $STAFF_SHOTS, or a temporary folder.
func ShotsDir(t testing.TB) string {
	if d := os.Getenv("STAFF_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// Shot saves a screenshot of the whole page as DIR/name.png at the given viewport width
// and height, then restores the desk size.
func Shot(t testing.TB, ctx context.Context, dir, name string, w, h int64) {
	err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h), chromedp.Sleep(300*time.Millisecond)) // the layout settles
	var png []byte
	if err == nil {
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.EmulateViewport(DeskW, DeskH))
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
