package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestStopAtAnyMoment starts the real production kiosk many times, with a reader that holds
// a card (so that a session starts) and a printer on real ptys, and stops it with SIGTERM at a
// different moment each time: during start-up, at the idle screen, while the card is read,
// mid-session. Every stop must end with exit status 0, no panic, the outbox closed (its lock
// released, its pages sound) and a started session ended. It runs with LANG=C, as a service
// does: the kiosk takes its locale from its configuration, so Fyne has nothing to complain of.
// KIOSK_STOP_RUNS sets the number of runs (default 24).
func TestStopAtAnyMoment(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	runs := 24
	if n, err := strconv.Atoi(os.Getenv("KIOSK_STOP_RUNS")); err == nil && n > 0 {
		runs = n
	}
	kiosk, kioskctl := testBinaries(t)
	dir := t.TempDir()
	reader := startSim(t, kioskctl, "idcard", filepath.Join(dir, "ttyID"), "--persona", "resident-male")
	startSim(t, kioskctl, "printer", filepath.Join(dir, "ttyPR"))

	rng := rand.New(rand.NewPCG(20261205, 0)) // the same moments on every run of the test
	for i := range runs {
		// Moments from 0 to 4 s, more of them early, where start-up is.
		delay := time.Duration(rng.Float64()*rng.Float64()*4000) * time.Millisecond
		t.Run(fmt.Sprintf("stop%02d_after_%s", i, delay), func(t *testing.T) {
			reader.send(t, "lift")
			reader.send(t, "place resident-male")
			data := filepath.Join(dir, fmt.Sprintf("data%02d", i))
			cfg := map[string]any{
				"kiosk_id": "STOP-01", "hall_url": "http://127.0.0.1:9", "language": "zh",
				"idcard":  map[string]any{"port": filepath.Join(dir, "ttyID"), "baud": 115200},
				"printer": map[string]any{"port": filepath.Join(dir, "ttyPR"), "baud": 115200},
				"scanner": map[string]any{"port": filepath.Join(dir, "no-scanner"), "baud": 9600},
			}
			b, _ := json.Marshal(cfg)
			cfgPath := filepath.Join(dir, fmt.Sprintf("kiosk%02d.json", i))
			if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(kiosk, "--config", cfgPath, "--data", data)
			cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=", "LANGUAGE=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			if err := terminate(t, cmd, 30*time.Second); early(err, stderr.Bytes(), data) {
				t.Logf("SIGTERM at %s came before the kiosk ran any code of its own: ended by the signal, nothing opened", delay)
				return
			} else if err != nil {
				t.Fatalf("exit after SIGTERM at %s: %v\n%s", delay, err, stderr.String())
			}
			log := stderr.String()
			for _, bad := range []string{"panic", "NotInitialized", "Error parsing user locale", "fatal error"} {
				if strings.Contains(log, bad) {
					t.Fatalf("%q after SIGTERM at %s:\n%s", bad, delay, log)
				}
			}
			if started, ended := strings.Count(log, `msg="desk: session started"`), strings.Count(log, `msg="desk: session ended"`); started != ended {
				t.Fatalf("%d sessions started and %d ended: one was on when the kiosk stopped, and it was not ended:\n%s", started, ended, log)
			}
			checkOutboxClosed(t, filepath.Join(data, "outbox.db"))
		})
	}
}

// terminate sends SIGTERM, as a service manager does, and returns how the process ended; it
// fails the test if the process has not ended within patience.
func terminate(t *testing.T, cmd *exec.Cmd, patience time.Duration) error {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(patience):
		cmd.Process.Kill()
		t.Fatalf("no exit within %s of SIGTERM", patience)
		return nil
	}
}

// early tells whether the kiosk was ended by the signal before its own code could catch it:
// in the first milliseconds of a process (loading, the runtime's and libraries' start) SIGTERM
// has its default effect, and a service manager counts that as a clean stop. It is accepted
// only if the kiosk had said nothing and made nothing yet.
func early(err error, stderr []byte, data string) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM || len(stderr) > 0 {
		return false
	}
	_, statErr := os.Stat(data)
	return errors.Is(statErr, os.ErrNotExist)
}

// checkOutboxClosed opens the outbox the kiosk left, if it got as far as making one: a file
// still locked by a process that did not close it would not open, and its pages must check.
func checkOutboxClosed(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return // stopped before the outbox was opened
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("outbox after the stop: %v", err)
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("outbox pages after the stop: %v", err)
	}
}

// testBinaries returns the kiosk and kioskctl binaries: those build.sh made (KIOSK_TEST_BIN),
// or fresh builds.
func testBinaries(t *testing.T) (kiosk, kioskctl string) {
	t.Helper()
	if dir := os.Getenv("KIOSK_TEST_BIN"); dir != "" {
		kiosk, kioskctl = filepath.Join(dir, "kiosk"), filepath.Join(dir, "kioskctl")
		if _, err := os.Stat(kiosk); err == nil {
			if _, err := os.Stat(kioskctl); err == nil {
				return kiosk, kioskctl
			}
		}
	}
	dir := t.TempDir()
	kiosk, kioskctl = filepath.Join(dir, "kiosk"), filepath.Join(dir, "kioskctl")
	if out, err := exec.Command("go", "build", "-o", kiosk, ".").CombinedOutput(); err != nil {
		t.Fatalf("build kiosk: %v\n%s", err, out)
	}
	build := exec.Command("go", "build", "-o", kioskctl, "../kioskctl")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build kioskctl: %v\n%s", err, out)
	}
	return kiosk, kioskctl
}

// sim is a device simulator run by kioskctl, taking commands on its standard input.
type sim struct {
	in      io.WriteCloser
	answers chan string
}

func startSim(t *testing.T, kioskctl, device, link string, args ...string) *sim {
	t.Helper()
	cmd := exec.Command(kioskctl, append([]string{"sim", device, "--link", link}, args...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &sim{in: in, answers: make(chan string, 16)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case s.answers <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		in.Close()
		cmd.Wait()
		wg.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(link); err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the %s simulator made no pty at %s", device, link)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send gives the simulator a command and waits for its answer.
func (s *sim) send(t *testing.T, command string) {
	t.Helper()
	if _, err := fmt.Fprintln(s.in, command); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case a := <-s.answers:
			if a == "ok" || strings.HasPrefix(a, "ok ") {
				return
			}
			if strings.HasPrefix(a, "error") {
				t.Fatalf("simulator: %s: %s", command, a)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("simulator: no answer to %q", command)
		}
	}
}
