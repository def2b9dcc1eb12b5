package browsertest

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxkiosk/assets"
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
// context for its first tab; everything is stopped at cleanup. The staff pages'
// certificate is from the hall's own CA, which this throwaway profile does not know: the
// browser is told to accept the given server certificates by their public key (as a
// staff PC that installed the CA would: pages and the font are cached), and refuses any
// other. Without one, every certificate error is ignored and nothing is cached.
func New(t testing.TB, trust ...*x509.Certificate) context.Context {
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(DeskW, DeskH),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	if len(trust) == 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	} else {
		var pins []string
		for _, c := range trust {
			sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
			pins = append(pins, base64.StdEncoding.EncodeToString(sum[:]))
		}
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(pins, ",")))
	}
	// Chromium fails every web font when the machine has no font at all (the tests run
	// with the system's fonts hidden, as on a kiosk image): give it the bundled one as its
	// only system font. Screenshot checks the page's own web font loaded all the same.
	fc, err := fontconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, chromedp.Env("FONTCONFIG_FILE="+fc))
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
	if err == nil {
		// The web font (the bundled CJK font) must have loaded, or the shot shows blanks.
		var loaded bool
		loaded, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.load('16px "Staff CJK"', '办').then(f => f.length > 0)`, chromedp.EvalAwaitPromise))
		if err == nil && !loaded {
			t.Fatalf("screenshot %s: the page's CJK web font did not load", name)
		}
	}
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

// fontconfig writes a fontconfig configuration whose only font is the bundled CJK font,
// and returns its path.
func fontconfig(dir string) (string, error) {
	fonts := filepath.Join(dir, "fonts")
	if err := os.MkdirAll(fonts, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(fonts, assets.CJKFontName), assets.CJKFont(), 0o644); err != nil {
		return "", err
	}
	conf := filepath.Join(dir, "fonts.conf")
	xml := `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>` + fonts + `</dir><cachedir>` + filepath.Join(dir, "fccache") + `</cachedir></fontconfig>
`
	return conf, os.WriteFile(conf, []byte(xml), 0o644)
}
