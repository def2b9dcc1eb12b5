package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"taxkiosk/drivers/device"
	"testing"
	"time"

	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

var persona = txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident", Address: "河南省平顶山市新华区光明路18号"}

// kioskData makes a data directory as the kiosk leaves it: key file and outbox with three
// transactions, the first acknowledged. The outbox is returned open.
func kioskData(t *testing.T) (dir string, ob *outbox.Outbox, ids []string) {
	t.Helper()
	dir = t.TempDir()
	key, err := seal.LoadOrCreateKey(filepath.Join(dir, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	ob, err = outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Opts{KioskID: "WD-01", Key: key,
		AmountOf: outbox.AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable"})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	for i := 0; i < 3; i++ {
		tp := persona
		got, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp, Body: []byte(`{"tax_payable":"5.00"}`)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	if err := ob.Ack(ids[:1], time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir, ob, ids
}

func noPersonalData(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{persona.Name, persona.IDNumber, "光明路"} {
		if strings.Contains(s, secret) {
			t.Fatalf("%s shows %q unmasked:\n%s", what, secret, s)
		}
	}
}

func TestOutboxStoppedKiosk(t *testing.T) {
	dir, ob, ids := kioskData(t)
	ob.Close() // the kiosk is stopped: kioskctl reads the file itself
	dbPath := filepath.Join(dir, "outbox.db")
	before, _ := os.ReadFile(dbPath)

	out, code := ctl(t, "outbox", "status", "--data", dir, "--json")
	if code != 0 {
		t.Fatalf("status: exit %d %s", code, out)
	}
	var st control.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err, out)
	}
	if st.Source != "file" || st.KioskID != "WD-01" || st.Counts[txn.Queued] != 2 || st.Counts[txn.Acknowledged] != 1 || st.Online != nil {
		t.Fatalf("status %s", out)
	}
	if out, code = ctl(t, "outbox", "status", "--data", dir); code != 0 || !strings.Contains(out, "stopped") || !strings.Contains(out, "queued 2") {
		t.Fatalf("status text: exit %d %s", code, out)
	}

	out, code = ctl(t, "outbox", "list", "--data", dir, "--state", "queued", "--limit", "1", "--json")
	var items []control.Item
	if code != 0 || json.Unmarshal([]byte(out), &items) != nil || len(items) != 1 || items[0].ID != ids[1] || items[0].Amount != 500 {
		t.Fatalf("list: exit %d %s", code, out)
	}
	noPersonalData(t, "list --json", out)
	if out, code = ctl(t, "outbox", "list", "--data", dir); code != 0 || !strings.Contains(out, "4104**********123X") {
		t.Fatalf("list text: exit %d %s", code, out)
	}

	masked := filepath.Join(t.TempDir(), "masked.json")
	if out, code = ctl(t, "outbox", "export", "--data", dir, "--out", masked); code != 0 || !strings.Contains(out, "exported 3") {
		t.Fatalf("export: exit %d %s", code, out)
	}
	b, _ := os.ReadFile(masked)
	noPersonalData(t, "masked export", string(b))
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(before, after) {
		t.Fatal("kioskctl changed the stopped kiosk's outbox file")
	}
	revealed := filepath.Join(t.TempDir(), "revealed.json")
	if out, code = ctl(t, "outbox", "export", "--data", dir, "--out", revealed, "--reveal", "--state", "queued"); code != 0 {
		t.Fatalf("export --reveal: exit %d %s", code, out)
	}
	var e control.Export
	b, _ = os.ReadFile(revealed)
	if err := json.Unmarshal(b, &e); err != nil || !e.Revealed || len(e.Records) != 2 || e.Records[0].Taxpayer.IDNumber != persona.IDNumber {
		t.Fatalf("revealed export: %v %s", err, b)
	}
	if fi, _ := os.Stat(revealed); fi.Mode().Perm() != 0o600 {
		t.Fatalf("export mode %v", fi.Mode().Perm())
	}

	// The review: a revealing export left no trace for the hall. A stopped kiosk's outbox
	// now holds its audit record, delivered when the kiosk runs again.
	out, code = ctl(t, "outbox", "list", "--data", dir, "--state", "queued", "--json")
	var audit struct {
		Action string `json:"action"`
		Detail struct {
			Revealed bool `json:"revealed"`
			Records  int  `json:"records"`
		} `json:"detail"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &items) != nil || len(items) != 3 || items[2].Kind != txn.KindAudit ||
		json.Unmarshal(items[2].Body, &audit) != nil || audit.Action != "export" || !audit.Detail.Revealed || audit.Detail.Records != 2 {
		t.Fatalf("no audit of the revealing export: exit %d %s", code, out)
	}
	if out, code = ctl(t, "sync", "now", "--data", dir); code != exitNotReady {
		t.Fatalf("sync now with no kiosk: exit %d %s", code, out)
	}

	// Without the key, records cannot be shown, not even masked; the counts still can.
	os.Rename(filepath.Join(dir, "seal.key"), filepath.Join(dir, "seal.key.away"))
	if out, code = ctl(t, "outbox", "list", "--data", dir); code != exitFailed || !strings.Contains(out, "needs its key") {
		t.Fatalf("list without key: exit %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "seal.key")); !os.IsNotExist(err) {
		t.Fatal("kioskctl created a key file")
	}
	if out, code = ctl(t, "outbox", "status", "--data", dir); code != 0 {
		t.Fatalf("status without key: exit %d %s", code, out)
	}
	if out, code = ctl(t, "outbox", "list", "--data", dir, "--state", "lost"); code != exitUsage {
		t.Fatalf("bad state: exit %d %s", code, out)
	}
	if out, code = ctl(t, "outbox", "export", "--data", dir); code != exitUsage {
		t.Fatalf("export without --out: exit %d %s", code, out)
	}
}

type wakeCounter struct{ n atomic.Int32 }

func (w *wakeCounter) Wake() { w.n.Add(1) }
func (w *wakeCounter) Status() hallsync.SyncStatus {
	return hallsync.SyncStatus{Online: true, LastSync: time.Now()}
}

func TestOutboxRunningKiosk(t *testing.T) {
	dir, ob, _ := kioskData(t)
	sync := &wakeCounter{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var audits []map[string]any
	audit := func(_ context.Context, action string, detail map[string]any) {
		audits = append(audits, map[string]any{"action": action, "revealed": detail["revealed"], "records": detail["records"]})
	}
	go func() {
		done <- control.Serve(ctx, control.SocketPath(dir), control.Kiosk{Outbox: ob, Sync: sync, Audit: audit})
	}()
	t.Cleanup(func() { cancel(); <-done })
	// Remove the key: a running kiosk answers over the socket and needs no key file here.
	os.Rename(filepath.Join(dir, "seal.key"), filepath.Join(dir, "seal.key.away"))

	c := &control.Client{Path: control.SocketPath(dir)}
	for i := 0; ; i++ {
		if _, err := c.Status(context.Background()); err == nil {
			break
		} else if i == 200 {
			t.Fatalf("control socket never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, code := ctl(t, "outbox", "status", "--data", dir, "--json")
	var st control.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Source != "kiosk" || st.Online == nil || !*st.Online || st.Pending != 2 {
		t.Fatalf("status from the running kiosk: exit %d %s", code, out)
	}
	if out, code = ctl(t, "outbox", "list", "--data", dir, "--json"); code != 0 || !strings.Contains(out, "4104**********123X") {
		t.Fatalf("list: exit %d %s", code, out)
	}
	noPersonalData(t, "list over the socket", out)
	revealed := filepath.Join(t.TempDir(), "revealed.json")
	if out, code = ctl(t, "outbox", "export", "--data", dir, "--out", revealed, "--reveal"); code != 0 {
		t.Fatalf("export: exit %d %s", code, out)
	}
	if b, _ := os.ReadFile(revealed); !bytes.Contains(b, []byte(persona.IDNumber)) {
		t.Fatalf("revealed export over the socket: %s", b)
	}
	if len(audits) != 1 || audits[0]["action"] != "export" || audits[0]["revealed"] != true || audits[0]["records"] != 3 {
		t.Fatalf("the revealing export was not audited: %v", audits)
	}
	if out, code = ctl(t, "sync", "now", "--data", dir); code != 0 || sync.n.Load() != 1 {
		t.Fatalf("sync now: exit %d %s, wakes %d", code, out, sync.n.Load())
	}
}

// TestOutboxKioskNotAnswering: the kiosk holds the file but serves no socket (hung, or an old
// build); kioskctl says so instead of waiting or reading a file it cannot lock.
func TestOutboxKioskNotAnswering(t *testing.T) {
	dir, _, _ := kioskData(t)
	out, code := ctl(t, "outbox", "status", "--data", dir)
	if code != exitFailed || !strings.Contains(out, "does not answer") {
		t.Fatalf("exit %d %s", code, out)
	}
}

func TestStatusShowsDevices(t *testing.T) {
	dir, ob, _ := kioskData(t)
	if out, code := ctl(t, "status", "--data", dir); code != exitNotReady || !strings.Contains(out, "no kiosk is running") {
		t.Fatalf("no kiosk: exit %d %s", code, out)
	}
	devices := func() []device.Status {
		return []device.Status{
			{Device: "printer", State: device.UserError, Paper: device.PaperOut},
			{Device: "idcard", State: device.Online},
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- control.Serve(ctx, control.SocketPath(dir), control.Kiosk{Outbox: ob, Sync: &wakeCounter{}, Devices: devices})
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, code := ctl(t, "status", "--data", dir)
		if code == 0 {
			if !strings.Contains(out, "printer: user_error paper=out") || !strings.Contains(out, "idcard: online") || !strings.Contains(out, "hall online") {
				t.Fatalf("status:\n%s", out)
			}
			out, code = ctl(t, "readiness", "--data", dir)
			if code != exitNotReady || !strings.Contains(out, "fail  device.printer") || !strings.Contains(out, "pass  device.idcard") {
				t.Fatalf("readiness with the printer out of paper: exit %d\n%s", code, out)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never answered: exit %d %s", code, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
