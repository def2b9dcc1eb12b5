package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

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
