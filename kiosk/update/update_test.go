package update

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// keyPair is deterministic so failures reproduce.
func keyPair(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return k.Public().(ed25519.PublicKey), k
}

func bundle(t *testing.T, m Manifest, files map[string][]byte, key ed25519.PrivateKey) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Build(&b, m, files, key); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rewrite copies a bundle's entries through edit, which may change or drop them.
func rewrite(t *testing.T, b []byte, edit func(h *tar.Header, data []byte) []byte) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		var data bytes.Buffer
		data.ReadFrom(tr)
		d := edit(h, data.Bytes())
		if d == nil {
			continue
		}
		h.Size = int64(len(d))
		tw.WriteHeader(h)
		tw.Write(d)
	}
	tw.Close()
	return out.Bytes()
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSlots(t *testing.T, pub ed25519.PublicKey, c *clock) (*Slots, *[]Event) {
	t.Helper()
	var events []Event
	s, err := New(Opts{Dir: t.TempDir(), Policy: Policy{Keys: []ed25519.PublicKey{pub}, DeviceType: "taxkiosk-amd64"},
		Trial: 5 * time.Minute, Now: c.now, Record: func(e Event) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	return s, &events
}

var firmware = map[string][]byte{"kiosk": []byte("#!/bin/sh\necho kiosk 2\n"), "kioskctl": []byte("#!/bin/sh\n")}

func TestRefusesBadBundles(t *testing.T) {
	t.Parallel()
	pub, key := keyPair(1)
	_, other := keyPair(2)
	good := Manifest{DeviceType: "taxkiosk-amd64", Sequence: 7, Version: "1.7.0"}
	valid := bundle(t, good, firmware, key)
	for _, tc := range []struct {
		name   string
		bundle []byte
		want   error
	}{
		{"unsigned", rewrite(t, valid, func(h *tar.Header, d []byte) []byte {
			if h.Name == signatureName {
				return nil
			}
			return d
		}), ErrUnsigned},
		{"signed by another key", bundle(t, good, firmware, other), ErrSignature},
		{"tampered manifest", rewrite(t, valid, func(h *tar.Header, d []byte) []byte {
			if h.Name == manifestName {
				return bytes.Replace(d, []byte(`"sequence":7`), []byte(`"sequence":9`), 1)
			}
			return d
		}), ErrSignature},
		{"tampered file", rewrite(t, valid, func(h *tar.Header, d []byte) []byte {
			if h.Name == "kiosk" {
				return []byte("#!/bin/sh\necho evil\n")
			}
			return d
		}), ErrTampered},
		{"file dropped", rewrite(t, valid, func(h *tar.Header, d []byte) []byte {
			if h.Name == "kioskctl" {
				return nil
			}
			return d
		}), ErrTampered},
		{"other device type", bundle(t, Manifest{DeviceType: "taxkiosk-arm64", Sequence: 7}, firmware, key), ErrDeviceType},
		{"older", bundle(t, Manifest{DeviceType: "taxkiosk-amd64", Sequence: 3}, firmware, key), ErrNotNewer},
		{"same", bundle(t, Manifest{DeviceType: "taxkiosk-amd64", Sequence: 5}, firmware, key), ErrNotNewer},
		{"not a bundle", []byte("MZ this is not a tar archive at all, not even close........"), ErrFormat},
	} {
		var put int
		_, err := Open(bytes.NewReader(tc.bundle), Policy{Keys: []ed25519.PublicKey{pub}, DeviceType: "taxkiosk-amd64", Installed: 5},
			func(_ File, data io.Reader) error { put++; _, err := io.Copy(io.Discard, data); return err })
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if put > 0 && !errors.Is(err, ErrTampered) {
			t.Errorf("%s: %d files were handed on before the bundle was refused", tc.name, put)
		}
	}
	if _, err := Open(bytes.NewReader(valid), Policy{DeviceType: "taxkiosk-amd64"}, nil); !errors.Is(err, ErrNoKeys) {
		t.Errorf("no pinned key: got %v", err)
	}
}

// TestInstallSwitchAndRollBack: a new version is installed beside the running one, switched
// to on trial, and rolled back when it never reports ready; a later bundle then goes through.
func TestInstallSwitchAndRollBack(t *testing.T) {
	t.Parallel()
	pub, key := keyPair(1)
	c := &clock{t: time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)}
	s, events := newSlots(t, pub, c)

	install := func(seq uint64, body string) {
		t.Helper()
		files := map[string][]byte{"kiosk": []byte(body)}
		if _, err := s.Install(bytes.NewReader(bundle(t, Manifest{DeviceType: "taxkiosk-amd64", Sequence: seq}, files, key))); err != nil {
			t.Fatal(err)
		}
	}
	running := func() string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(s.CurrentDir(), "kiosk"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	install(1, "v1")
	if err := s.Switch(1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkGood(); err != nil {
		t.Fatal(err)
	}
	install(2, "v2")
	if got := running(); got != "v1" {
		t.Fatalf("installing version 2 changed the running one: %q", got)
	}
	if err := s.Switch(2); err != nil {
		t.Fatal(err)
	}
	if got := running(); got != "v2" {
		t.Fatalf("after the switch: %q", got)
	}
	c.t = c.t.Add(4 * time.Minute)
	if rolled, err := s.Check(); rolled || err != nil {
		t.Fatalf("rolled back before the deadline: %v %v", rolled, err)
	}
	c.t = c.t.Add(2 * time.Minute) // version 2 never said it was ready
	if rolled, err := s.Check(); !rolled || err != nil {
		t.Fatalf("no rollback after the deadline: %v %v", rolled, err)
	}
	if got := running(); got != "v1" {
		t.Fatalf("after the rollback: %q", got)
	}
	if err := s.MarkGood(); !errors.Is(err, ErrNoTrial) {
		t.Fatalf("MarkGood after the rollback: %v", err)
	}
	// The rolled-back version cannot come back, nor can an older one; a fix can.
	again := bundle(t, Manifest{DeviceType: "taxkiosk-amd64", Sequence: 2}, firmware, key)
	if _, err := s.Install(bytes.NewReader(again)); !errors.Is(err, ErrNotNewer) {
		t.Fatalf("re-installing version 2: %v", err)
	}
	install(3, "v3")
	if err := s.Switch(3); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkGood(); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Hour)
	if rolled, _ := s.Check(); rolled || running() != "v3" {
		t.Fatal("a version that reported ready was rolled back")
	}

	var steps []Step
	for _, e := range *events {
		steps = append(steps, e.Step)
	}
	want := []Step{StepVerified, StepSwitched, StepHealthy, StepVerified, StepSwitched, StepRolledBack, StepRefused, StepVerified, StepSwitched, StepHealthy}
	if len(steps) != len(want) {
		t.Fatalf("events %v, want %v", steps, want)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("events %v, want %v", steps, want)
		}
	}
}

// TestCrashDuringSwitchLeavesABootableVersion: the trial is recorded but the power fails
// before the link changes. The old version still runs, and Recover drops the trial so that
// no rollback fights it later.
func TestCrashDuringSwitchLeavesABootableVersion(t *testing.T) {
	t.Parallel()
	pub, key := keyPair(1)
	c := &clock{t: time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)}
	s, events := newSlots(t, pub, c)
	for _, seq := range []uint64{1, 2} {
		body := map[string][]byte{"kiosk": []byte("v" + string(rune('0'+seq)))}
		if _, err := s.Install(bytes.NewReader(bundle(t, Manifest{DeviceType: "taxkiosk-amd64", Sequence: seq}, body, key))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Switch(1); err != nil {
		t.Fatal(err)
	}
	s.MarkGood()
	// What Switch(2) does up to the crash: the trial is on disk, the link is not yet changed,
	// and a half-made link lies beside it.
	if err := s.saveState(state{Trial: 2, Previous: 1, Deadline: c.t.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	os.Symlink("versions/2", filepath.Join(s.opts.Dir, "current.new"))

	restarted, _ := New(s.opts) // the machine boots again
	if err := restarted.Recover(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(restarted.CurrentDir(), "kiosk")); err != nil || string(b) != "v1" {
		t.Fatalf("after the crash the kiosk runs %q (%v), want v1", b, err)
	}
	c.t = c.t.Add(time.Hour)
	if rolled, err := restarted.Check(); rolled || err != nil {
		t.Fatalf("a dropped trial rolled back: %v %v", rolled, err)
	}
	if last := (*events)[len(*events)-1]; last.Step != StepRecovered || last.Sequence != 2 {
		t.Fatalf("last event %+v, want recovered 2", last)
	}
	// The interrupted switch can be done again.
	if err := restarted.Switch(2); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(restarted.CurrentDir(), "kiosk")); string(b) != "v2" {
		t.Fatalf("the repeated switch runs %q", b)
	}
}
