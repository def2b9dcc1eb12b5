package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestCorruptStorageShowsOutOfService: a kiosk whose outbox file is damaged must not take
// transactions; it shows the out-of-service screen and logs why, and leaves the file alone.
func TestCorruptStorageShowsOutOfService(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	bin := filepath.Join(t.TempDir(), "kiosk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	garbage := []byte("this is not a bbolt file, and it holds nothing a kiosk may overwrite")
	if err := os.WriteFile(filepath.Join(data, "outbox.db"), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--windowed", "--data", data)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	seen := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "kiosk: out of service") {
				close(seen)
				return
			}
		}
	}()
	select {
	case <-seen:
	case <-time.After(60 * time.Second):
		t.Fatal("no out-of-service report")
	}
	if b, _ := os.ReadFile(filepath.Join(data, "outbox.db")); string(b) != string(garbage) {
		t.Fatal("the damaged outbox file was changed")
	}
}
