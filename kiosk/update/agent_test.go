package update_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/update"
)

// kiosk is the kiosk as the agent sees it, driven by the test.
type kiosk struct {
	idle, ready, reached atomic.Bool
	mu                   sync.Mutex
	reported             []update.Entry
	restarted            chan struct{}
}

func (k *kiosk) report(_ context.Context, e update.Entry) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reported = append(k.reported, e)
	return nil
}

func (k *kiosk) steps() []update.Step {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []update.Step
	for _, e := range k.reported {
		out = append(out, e.Step)
	}
	return out
}

// eventually waits for cond, failing after a generous bound that only keeps a broken agent
// from hanging the test.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("never: %s", what)
		}
	}
}

// hallWith starts a hall on loopback with a shelf in dir and publishes a bundle of seq
// signed by signer there; it returns the shelf, the bundle's file and a client.
func hallWith(t *testing.T, dir string, seq uint64, signer ed25519.PrivateKey) (hall.Firmware, string, *hallapi.Client) {
	t.Helper()
	hallKey, _ := seal.NewKey(bytes.Repeat([]byte{5}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: hallKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	shelf := hall.Firmware{Dir: filepath.Join(dir, "shelf")}
	srv := httptest.NewServer(hall.New(store, &hall.Opts{Firmware: shelf}))
	t.Cleanup(srv.Close)
	var b bytes.Buffer
	if err := update.Build(&b, update.Manifest{DeviceType: "taxkiosk-test", Sequence: seq, Version: fmt.Sprintf("1.%d.0", seq)},
		map[string][]byte{"kiosk": []byte("#!/bin/sh\n")}, signer); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, fmt.Sprintf("%d.bundle", seq))
	os.WriteFile(bundle, b.Bytes(), 0o644)
	if _, err := shelf.Publish(bundle); err != nil {
		t.Fatal(err)
	}
	return shelf, bundle, &hallapi.Client{BaseURL: srv.URL}
}

// TestAgentTakesABundleFromTheHallAndSwitchesOnlyWhenIdle: a hall on loopback serves a
// published bundle; the agent downloads and installs it, waits while a taxpayer is served,
// switches at the idle moment and restarts the kiosk. The new version is marked good only
// once it is ready and has reached the hall. Every step reaches the audit trail.
func TestAgentTakesABundleFromTheHallAndSwitchesOnlyWhenIdle(t *testing.T) {
	t.Parallel()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	dir := t.TempDir()
	shelf, bundle, client := hallWith(t, dir, 9, key)
	if _, err := shelf.Publish(bundle); !errors.Is(err, hall.ErrPublished) {
		t.Fatalf("publishing sequence 9 twice: %v", err)
	}
	if rc, err := client.Firmware(context.Background(), "taxkiosk-test", 9); rc != nil || err != nil {
		t.Fatalf("the hall offered a bundle that is not newer: %v %v", rc, err)
	}

	slots, err := update.New(update.Opts{Dir: filepath.Join(dir, "firmware"), Trial: time.Hour,
		Policy: update.Policy{Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, DeviceType: "taxkiosk-test"}})
	if err != nil {
		t.Fatal(err)
	}
	k := &kiosk{restarted: make(chan struct{})}
	k.reached.Store(true)
	agent := func() *update.Agent {
		return update.NewAgent(update.AgentOpts{Slots: slots, Every: 5 * time.Millisecond,
			Fetch: func(ctx context.Context, after uint64, refused []uint64) (io.ReadCloser, error) {
				return client.Firmware(ctx, "taxkiosk-test", after, refused...)
			},
			Idle: k.idle.Load, Ready: k.ready.Load, Reached: k.reached.Load, Report: k.report,
			Restart: func() { close(k.restarted) }})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { agent().Run(ctx); close(done) }()

	eventually(t, "version 9 installed", func() bool { return slots.Pending() == 9 })
	time.Sleep(50 * time.Millisecond) // ten turns of the agent with a session going on
	if slots.Current() != 0 {
		t.Fatal("switched during a session")
	}
	k.idle.Store(true)
	<-k.restarted
	<-done
	if slots.Current() != 9 {
		t.Fatalf("current %d after the switch", slots.Current())
	}
	if want := []update.Step{update.StepDownloaded, update.StepVerified, update.StepSwitched}; !slices.Equal(k.steps(), want) {
		t.Fatalf("reported %v, want %v", k.steps(), want)
	}

	// The new version starts: not good until ready and in touch with the hall.
	k.restarted = make(chan struct{})
	k.reached.Store(false)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	done = make(chan struct{})
	go func() { agent().Run(ctx2); close(done) }()
	k.ready.Store(true)
	time.Sleep(50 * time.Millisecond)
	if _, _, on := slots.OnTrial(); !on {
		t.Fatal("marked good before the hall was reached")
	}
	k.reached.Store(true)
	eventually(t, "version 9 marked good", func() bool { _, _, on := slots.OnTrial(); return !on })
	eventually(t, "healthy reported", func() bool { return slices.Contains(k.steps(), update.StepHealthy) })
	cancel2()
	<-done
}

// TestAgentApplyRefusesBadBundles: a bundle from a file (kioskctl update apply) goes through
// the same checks, and a refusal is reported with its reason.
func TestAgentApplyRefusesBadBundles(t *testing.T) {
	t.Parallel()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize))
	dir := t.TempDir()
	slots, err := update.New(update.Opts{Dir: filepath.Join(dir, "firmware"),
		Policy: update.Policy{Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, DeviceType: "taxkiosk-test"}})
	if err != nil {
		t.Fatal(err)
	}
	k := &kiosk{}
	a := update.NewAgent(update.AgentOpts{Slots: slots, Idle: k.idle.Load, Ready: k.ready.Load, Reached: k.reached.Load,
		Report: k.report, Restart: func() {}})
	write := func(name string, m update.Manifest, signer ed25519.PrivateKey) string {
		var b bytes.Buffer
		if err := update.Build(&b, m, map[string][]byte{"kiosk": []byte("x")}, signer); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o600)
		return p
	}
	if seq, _, err := a.Apply(write("good", update.Manifest{DeviceType: "taxkiosk-test", Sequence: 5}, key)); err != nil || seq != 5 {
		t.Fatal(seq, err)
	}
	for _, tc := range []struct {
		name string
		m    update.Manifest
		key  ed25519.PrivateKey
		want error
	}{
		{"forged", update.Manifest{DeviceType: "taxkiosk-test", Sequence: 6}, other, update.ErrSignature},
		{"arm", update.Manifest{DeviceType: "taxkiosk-arm64", Sequence: 6}, key, update.ErrDeviceType},
		{"older", update.Manifest{DeviceType: "taxkiosk-test", Sequence: 4}, key, update.ErrNotNewer},
	} {
		if _, _, err := a.Apply(write(tc.name, tc.m, tc.key)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	es, _ := slots.Entries()
	var refused []string
	for _, e := range es {
		if e.Step == update.StepRefused {
			refused = append(refused, e.Reason)
		}
	}
	if len(refused) != 3 || refused[0] != update.ErrSignature.Error() {
		t.Fatalf("refusals in the log: %q", refused)
	}
}

// TestAgentDownloadsARefusedBundleOnce: a bundle on the hall that this kiosk refuses (signed
// by a key it does not pin) is downloaded and audited once, not again at every look.
func TestAgentDownloadsARefusedBundleOnce(t *testing.T) {
	t.Parallel()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	forger := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize))
	dir := t.TempDir()
	_, _, client := hallWith(t, dir, 3, forger)
	slots, err := update.New(update.Opts{Dir: filepath.Join(dir, "firmware"),
		Policy: update.Policy{Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, DeviceType: "taxkiosk-test"}})
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	k := &kiosk{}
	k.reached.Store(true)
	a := update.NewAgent(update.AgentOpts{Slots: slots, Every: time.Millisecond, FetchEvery: time.Nanosecond,
		Fetch: func(ctx context.Context, after uint64, refused []uint64) (io.ReadCloser, error) {
			asked.Add(1)
			return client.Firmware(ctx, "taxkiosk-test", after, refused...)
		},
		Idle: k.idle.Load, Ready: k.ready.Load, Reached: k.reached.Load, Report: k.report, Restart: func() {}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	eventually(t, "the hall asked five times", func() bool { return asked.Load() >= 5 })
	cancel()
	<-done
	if got := stepsOf(t, slots); !slices.Equal(got, []update.Step{update.StepDownloaded, update.StepRefused}) {
		t.Fatalf("steps %v, want one download and one refusal", got)
	}
}

func stepsOf(t *testing.T, s *update.Slots) []update.Step {
	t.Helper()
	es, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var out []update.Step
	for _, e := range es {
		out = append(out, e.Step)
	}
	return out
}
