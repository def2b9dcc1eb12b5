package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
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
	var out bytes.Buffer
	if err := run([]string{"serve", "--data", data, "--counters", "0.0.0.0:8601"}, &out, &out); err == nil || !strings.Contains(err.Error(), "counters") {
		t.Errorf("serve --counters on every interface: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1"} {
		if !loopback(addr) {
			t.Errorf("loopback(%q) = false", addr)
		}
	}
}

// TestAlarmsAndEvidence: the staff read alarms and a transaction's evidence from the data
// directory; the batch's bytes (personal data) go only to a 0600 file.
func TestAlarmsAndEvidence(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	store, err := openStore(ctx, data, "", "")
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.Entry("K1", "a", 1)
	e.Evidence = &hall.Evidence{Body: []byte(`{"kiosk_id":"K1"}`), Signature: "c2ln"}
	if _, err := store.PutBatch(ctx, "K1", []hall.Entry{e}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	store.PutAlarms(ctx, []hall.Alarm{{At: at, KioskID: "K1", Kind: hall.AlarmSeqGap, Detail: "seq 2 to 4 missing before transaction e"}})
	store.Close()

	var out bytes.Buffer
	if err := run([]string{"alarms", "--data", data}, &out, &out); err != nil ||
		out.String() != "2026-12-01T01:00:00Z K1 seq_gap: seq 2 to 4 missing before transaction e\n" {
		t.Fatalf("hall alarms: %v %q", err, out.String())
	}
	file := filepath.Join(t.TempDir(), "batch.json")
	out.Reset()
	if err := run([]string{"evidence", "--data", data, "--kiosk", "K1", "--txn", "a", "--out", file}, &out, &out); err != nil ||
		!strings.Contains(out.String(), `batch of 17 bytes`) || !strings.Contains(out.String(), `signature "c2ln"`) {
		t.Fatalf("hall evidence: %v %q", err, out.String())
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("evidence file: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(file); string(b) != `{"kiosk_id":"K1"}` {
		t.Fatalf("evidence file holds %q", b)
	}
	if err := run([]string{"evidence", "--data", data, "--kiosk", "K1", "--txn", "nope"}, &out, &out); !errors.Is(err, hall.ErrNotFound) {
		t.Fatalf("evidence of an unknown transaction: %v", err)
	}
}
