package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"taxkiosk/kiosk/boltfile/bolttest"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// TestDemoStartsAndStops runs the real kiosk binary in demo mode on the X display that
// build.sh test provides (Xvfb), waits until its simulated devices and hall are up and its
// windows are open, and stops it with SIGTERM as a service manager would.
func TestDemoStartsAndStops(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	bin := filepath.Join(t.TempDir(), "kiosk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
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
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kiosk exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("kiosk did not stop on SIGTERM")
	}
}

// TestCorruptStorageShowsOutOfService: a kiosk whose outbox file is damaged (not a bbolt
// file at all, or a real one with a leaf page whose flags are 0x7777, which crashed the
// kiosk before), or whose sealing key is lost in front of queued records, must not take
// transactions; it shows the out-of-service screen and logs why, and leaves the files alone.
func TestCorruptStorageShowsOutOfService(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
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
			if after, _ := os.ReadFile(filepath.Join(data, "outbox.db")); string(after) != string(before) {
				t.Fatal("the damaged outbox file was changed")
			}
		})
	}
}
