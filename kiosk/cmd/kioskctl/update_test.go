package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/update"
)

// TestUpdateApply installs a signed bundle from a file, as from a USB stick, and refuses one
// signed by a key the configuration does not pin.
func TestUpdateApply(t *testing.T) {
	dir := t.TempDir()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	cfg := filepath.Join(dir, "kiosk.json")
	os.WriteFile(cfg, []byte(`{"data_dir": "`+dir+`", "update_keys": ["`+base64.StdEncoding.EncodeToString(pub)+`"]}`), 0o600)

	write := func(name string, seq uint64, k ed25519.PrivateKey) string {
		var b bytes.Buffer
		m := update.Manifest{DeviceType: "taxkiosk-" + runtime.GOARCH, Sequence: seq, Version: "2.0.0"}
		if err := update.Build(&b, m, map[string][]byte{"kiosk": []byte("new kiosk")}, k); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o600)
		return p
	}
	good := write("good.bundle", 20, key)
	forged := write("forged.bundle", 21, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize)))

	var out, errOut bytes.Buffer
	if code := run([]string{"update", "apply", good, "--config", cfg}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "verified 20 2.0.0") {
		t.Errorf("output %q", out.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "firmware", "versions", "20", "kiosk")); err != nil || string(b) != "new kiosk" {
		t.Errorf("installed kiosk %q, %v", b, err)
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"update", "apply", forged, "--config", cfg}, &out, &errOut); code == exitOK {
		t.Fatal("a bundle signed by an unknown key was applied")
	}
	if !strings.Contains(errOut.String(), "bad signature") {
		t.Errorf("stderr %q", errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "firmware", "versions", "21")); err == nil {
		t.Error("the forged bundle was installed")
	}
}

// TestUpdateKeygenMakeApplyStatus: the release side makes a key and a signed bundle; with no
// kiosk running kioskctl installs it itself, says it waits for the idle screen, shows it in
// update status, and refuses the same bundle again.
func TestUpdateKeygenMakeApplyStatus(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "release.key")
	var out, errOut bytes.Buffer
	if code := run([]string{"update", "keygen", "--out", keyFile}, &out, &errOut); code != exitOK {
		t.Fatalf("keygen: exit %d: %s", code, errOut.String())
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("signing key %v, %v", fi, err)
	}
	pub := strings.TrimSpace(out.String())
	cfg := filepath.Join(dir, "kiosk.json")
	os.WriteFile(cfg, []byte(`{"data_dir": "`+dir+`", "update_keys": ["`+pub+`"]}`), 0o600)
	if code := run([]string{"update", "keygen", "--out", keyFile}, &out, &errOut); code == exitOK {
		t.Fatal("keygen overwrote a signing key")
	}

	prog := filepath.Join(dir, "kiosk.bin")
	os.WriteFile(prog, []byte("#!/bin/sh\necho 3\n"), 0o755)
	bundle := filepath.Join(dir, "3.bundle")
	mk := []string{"update", "make", "--key", keyFile, "--sequence", "3", "--version", "1.3.0", "--out", bundle, "kiosk=" + prog, "kioskctl=" + prog}
	if code := run(mk, &out, &errOut); code != exitOK {
		t.Fatalf("make: exit %d: %s", code, errOut.String())
	}
	out.Reset()
	if code := run([]string{"update", "apply", bundle, "--config", cfg}, &out, &errOut); code != exitOK {
		t.Fatalf("apply: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "no kiosk running: version 3 installed") {
		t.Errorf("apply said %q", out.String())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "firmware", ".incoming-*")); len(left) > 0 {
		t.Errorf("the copy of the bundle was left behind: %v", left)
	}
	out.Reset()
	if code := run([]string{"update", "status", "--config", cfg}, &out, &errOut); code != exitOK {
		t.Fatalf("status: exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"firmware packaged  version 3 waits for the idle screen", "downloaded", "verified    3  1.3.0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out.String())
		}
	}
	errOut.Reset()
	if code := run([]string{"update", "apply", bundle, "--config", cfg}, &out, &errOut); code != exitFailed || !strings.Contains(errOut.String(), "not newer") {
		t.Errorf("the same bundle again: exit %d, %q", code, errOut.String())
	}
	if code := run([]string{"update", "rollback", "--config", cfg}, &out, &errOut); code != exitNotReady {
		t.Errorf("rollback with nothing on trial: exit %d", code)
	}
}

// TestUpdateApplyThroughTheRunningKiosk: with a kiosk serving its control socket, kioskctl
// copies the bundle into the kiosk's data directory and the kiosk installs it (here its
// update agent over a real store, without the screens).
func TestUpdateApplyThroughTheRunningKiosk(t *testing.T) {
	dir := t.TempDir()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	cfg := filepath.Join(dir, "kiosk.json")
	os.WriteFile(cfg, []byte(`{"data_dir": "`+dir+`", "update_keys": ["`+base64.StdEncoding.EncodeToString(pub)+`"]}`), 0o600)
	slots, err := update.New(update.Opts{Dir: filepath.Join(dir, "firmware"),
		Policy: update.Policy{Keys: []ed25519.PublicKey{pub}, DeviceType: "taxkiosk-" + runtime.GOARCH}})
	if err != nil {
		t.Fatal(err)
	}
	agent := update.NewAgent(update.AgentOpts{Slots: slots, Idle: func() bool { return false },
		Ready: func() bool { return true }, Reached: func() bool { return true }, Restart: func() {}})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- control.Serve(ctx, control.SocketPath(dir), control.Kiosk{Firmware: agent}) }()
	defer func() { cancel(); <-served }()
	for i := 0; i < 200; i++ { // the socket appears as Serve starts
		if _, err := os.Stat(control.SocketPath(dir)); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	var b bytes.Buffer
	if err := update.Build(&b, update.Manifest{DeviceType: "taxkiosk-" + runtime.GOARCH, Sequence: 7, Version: "1.7.0"},
		map[string][]byte{"kiosk": []byte("seven")}, key); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir() // the USB stick
	bundle := filepath.Join(stick, "fw.bundle")
	os.WriteFile(bundle, b.Bytes(), 0o644)
	var out, errOut bytes.Buffer
	if code := run([]string{"update", "apply", bundle, "--config", cfg}, &out, &errOut); code != exitOK {
		t.Fatalf("apply: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "verified 7 1.7.0: the kiosk switches to it at its next idle moment") {
		t.Errorf("apply said %q", out.String())
	}
	out.Reset()
	if code := run([]string{"update", "status", "--config", cfg, "--json"}, &out, &errOut); code != exitOK {
		t.Fatalf("status: exit %d: %s", code, errOut.String())
	}
	var board tech.Firmware
	if err := json.Unmarshal(out.Bytes(), &board); err != nil || board.Pending != 7 || board.Sequence != 0 {
		t.Fatalf("board %+v (%v) from %s", board, err, out.String())
	}
}
