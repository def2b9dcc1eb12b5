package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/png" // the screenshot
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/assets"
	"taxkiosk/kiosk/boltfile/bolttest"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/screens"
)

// TestDemoStartsAndStops runs the real kiosk binary built with the demo tag on the X display that
// build.sh test provides (Xvfb), waits until its simulated devices and hall are up and its
// windows are open, and stops it with SIGTERM as a service manager would.
func TestDemoStartsAndStops(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	bin := filepath.Join(t.TempDir(), "kioskdemo")
	if out, err := exec.Command("go", "build", "-tags", "demo", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--demo", "--windowed", "--data", t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "demo: simulated devices") {
				up <- sc.Text()
			}
		}
	}()
	select {
	case line := <-up:
		t.Log(line)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the demo did not come up")
	}
	time.Sleep(2 * time.Second) // the windows open and the first frames draw
	if err := terminate(t, cmd, 20*time.Second); err != nil {
		t.Fatalf("kiosk exited with %v after SIGTERM", err)
	}
}

// TestCorruptStorageShowsOutOfService: a kiosk whose outbox file is damaged (not a bbolt
// file at all, or a real one with a leaf page whose flags are 0x7777, which crashed the
// kiosk before), or whose sealing key is lost in front of queued records, must not take
// transactions; it shows the out-of-service screen, logs why, and leaves the files alone.
// The screen is read on Fyne's test driver: terminal.Open refuses a damaged file as run does,
// and the screen run then shows must carry the out-of-service title and body in both
// languages; the real binary under Xvfb must then log the refusal, paint its window and keep
// the file.
func TestCorruptStorageShowsOutOfService(t *testing.T) {
	data := t.TempDir()
	garbage := []byte("this is not a bbolt file, and it holds nothing a kiosk may overwrite")
	if err := os.WriteFile(filepath.Join(data, "outbox.db"), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(data, "kiosk.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = data
	term, err := terminal.Open(cfg, terminal.Opts{Catalog: cat})
	if !errors.Is(err, outbox.ErrCorrupt) {
		if term != nil {
			term.Close()
		}
		t.Fatalf("terminal.Open on a damaged outbox: %v, want outbox.ErrCorrupt", err)
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, screens.OutOfService(cat, techReason(err)))
	w.Resize(fyne.NewSize(1280, 900))
	shown := map[string]bool{}
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			shown[l.Text] = true
		}
	}
	for _, l := range i18n.Langs {
		for _, key := range []string{"oos.title", "oos.body"} {
			if text := cat.T(l, key); !shown[text] {
				t.Errorf("the out-of-service screen does not show %s %q", key, text)
			}
		}
	}
	// The technician is told what to do about this cause, in both languages.
	for _, l := range i18n.Langs {
		if text := cat.T(l, "oos.tech.corrupt"); !shown[text] {
			t.Errorf("the out-of-service screen does not tell the technician the file is damaged (%s)", l)
		}
	}

	if os.Getenv("DISPLAY") == "" {
		t.Skip("the binary itself needs an X display: run through ./build.sh test, which starts Xvfb")
	}
	bin := filepath.Join(t.TempDir(), "kiosk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	queued := func(t *testing.T, data string) {
		key, err := seal.LoadOrCreateKey(filepath.Join(data, "seal.key"))
		if err != nil {
			t.Fatal(err)
		}
		ob, err := outbox.Open(filepath.Join(data, "outbox.db"), &outbox.Opts{KioskID: "KIOSK-01", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		defer ob.Close()
		for range 50 {
			if _, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindAudit, Body: []byte(`{"action":"filler"}`)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, data string)
		why    string
	}{
		{"garbage", func(t *testing.T, data string) {
			garbage := []byte("this is not a bbolt file, and it holds nothing a kiosk may overwrite")
			if err := os.WriteFile(filepath.Join(data, "outbox.db"), garbage, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "corrupt"},
		{"leaf flags 0x7777", func(t *testing.T, data string) {
			queued(t, data)
			bolttest.CorruptLeaf(t, filepath.Join(data, "outbox.db"))
		}, "damaged page"},
		{"seal.key lost", func(t *testing.T, data string) {
			queued(t, data)
			os.Remove(filepath.Join(data, "seal.key"))
		}, "sealing key missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			c.damage(t, data)
			before, _ := os.ReadFile(filepath.Join(data, "outbox.db"))
			cmd := exec.Command(bin, "--windowed", "--data", data)
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			seen := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					if strings.Contains(sc.Text(), "kiosk: out of service") {
						seen <- sc.Text()
						return
					}
				}
				close(seen)
			}()
			select {
			case line, ok := <-seen:
				if !ok {
					t.Fatal("the kiosk ended without an out-of-service report")
				}
				if !strings.Contains(line, c.why) {
					t.Fatalf("out of service, but the log does not say %q: %s", c.why, line)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("no out-of-service report")
			}
			// Not a blank display: the binary's own window is mapped and has text painted on it.
			shot := screenshotOf(t, cmd.Process.Pid)
			dark := darkShare(shot)
			t.Logf("the kiosk's window: %v, %.4f of it dark (text)", shot.Bounds().Size(), dark)
			if dark < 0.001 {
				t.Fatalf("the kiosk's window shows nothing (%.4f of it dark)", dark)
			}
			if after, _ := os.ReadFile(filepath.Join(data, "outbox.db")); string(after) != string(before) {
				t.Fatal("the damaged outbox file was changed")
			}
		})
	}
}

// screenshotOf waits for a visible window of process pid (xdotool) and captures it (ImageMagick's
// import), as build.sh installs both for the tests.
func screenshotOf(t *testing.T, pid int) image.Image {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(pid)).Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
			time.Sleep(2 * time.Second) // the first frames draw
			png, err := exec.Command("import", "-window", ids[0], "png:-").Output()
			if err != nil {
				t.Fatalf("import -window %s: %v", ids[0], err)
			}
			img, _, err := image.Decode(bytes.NewReader(png))
			if err != nil {
				t.Fatal(err)
			}
			return img
		}
		if time.Now().After(deadline) {
			t.Fatalf("no visible window of the kiosk (pid %d): %v", pid, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// darkShare is the share of img's pixels dark enough to be text.
func darkShare(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 100 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}
