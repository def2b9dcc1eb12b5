package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	data, certDir := filepath.Join(dir, "data"), filepath.Join(dir, "certs")
	for _, c := range []struct {
		args    []string
		wantOut string
		wantErr bool
	}{
		{nil, "", true},
		{[]string{"count"}, "", true}, // --data is required
		{[]string{"count", "--data", data}, "0\n", false},
		{[]string{"list", "--data", data, "--json"}, "", false},
		{[]string{"frobnicate", "--data", data}, "", true},
		{[]string{"certs", "issue", "--dir", certDir, "--kiosk", "K001"}, "", true}, // no CA yet
		{[]string{"certs", "init", "--dir", certDir}, "CA and server certificate", false},
		{[]string{"certs", "init", "--dir", certDir}, "", true}, // never overwrites a CA
		{[]string{"certs", "issue", "--dir", certDir, "--kiosk", "K001"}, "kiosk-K001.crt", false},
		{[]string{"serve", "--data", data, "--listen", "256.0.0.1:1"}, "", true},
	} {
		var out, errOut bytes.Buffer
		err := run(c.args, &out, &errOut)
		if (err != nil) != c.wantErr || !strings.Contains(out.String(), c.wantOut) {
			t.Errorf("hall %v: err %v, out %q", c.args, err, out.String())
		}
	}
}

// TestServeRefusesClearTextOffLoopback: without --tls, the hall would take anyone's batches
// and kiosks would send personal data in clear; only a loopback address may serve so.
func TestServeRefusesClearTextOffLoopback(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:8600", "hall.example:8600"} {
		var out, errOut bytes.Buffer
		err := run([]string{"serve", "--data", data, "--listen", addr}, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "without --tls") {
			t.Errorf("serve --listen %s without --tls: %v", addr, err)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a refused serve created its data directory: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1"} {
		if !loopback(addr) {
			t.Errorf("loopback(%q) = false", addr)
		}
	}
}
