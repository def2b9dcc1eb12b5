package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/update"
)

// TestFirmwarePublishAndServe: a bundle published with `hall firmware publish` is served by
// a running hall process to a kiosk that has an older version, and to no other.
func TestFirmwarePublishAndServe(t *testing.T) {
	dir := t.TempDir()
	bin := buildHall(t, dir)
	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "--data", data, "--listen", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "serving on http://") {
		t.Fatalf("hall said %q (%v)", line, err)
	}
	go io.Copy(io.Discard, stdout)
	client := &hallapi.Client{BaseURL: strings.TrimSpace(line[strings.Index(line, "http://"):])}
	ctx := context.Background()
	if rc, err := client.Firmware(ctx, "taxkiosk-amd64", 0); rc != nil || err != nil {
		t.Fatalf("an empty shelf served %v (%v)", rc, err)
	}

	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	var b bytes.Buffer
	if err := update.Build(&b, update.Manifest{DeviceType: "taxkiosk-amd64", Sequence: 12, Version: "1.12.0"},
		map[string][]byte{"kiosk": []byte("twelve")}, key); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "12.bundle")
	os.WriteFile(bundle, b.Bytes(), 0o644)
	out, err := exec.Command(bin, "firmware", "publish", "--data", data, bundle).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "published taxkiosk-amd64 sequence 12 (1.12.0)") {
		t.Fatalf("publish: %v: %s", err, out)
	}
	if out, err := exec.Command(bin, "firmware", "publish", "--data", data, filepath.Join(dir, "hall")).CombinedOutput(); err == nil {
		t.Fatalf("published a file that is not a bundle: %s", out)
	}

	rc, err := client.Firmware(ctx, "taxkiosk-amd64", 11)
	if err != nil || rc == nil {
		t.Fatalf("version 11 was offered nothing: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, b.Bytes()) {
		t.Fatalf("served %d bytes, published %d", len(got), b.Len())
	}
	for _, q := range []struct {
		device string
		after  uint64
	}{{"taxkiosk-amd64", 12}, {"taxkiosk-arm64", 0}} {
		if rc, err := client.Firmware(ctx, q.device, q.after); rc != nil || err != nil {
			t.Errorf("%s after %d was served a bundle (%v)", q.device, q.after, err)
		}
	}
}

// buildHall builds the hall command into dir, as it ships (no cgo).
func buildHall(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "hall")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
