package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

var persona = txn.Taxpayer{
	Name:     "欧阳娜娜",
	IDNumber: "41040219800101123X",
	CardType: "resident",
	Address:  "河南省平顶山市新华区光明路18号",
}

// fakeSync stands in for the sync loop: it counts wakes.
type fakeSync struct{ wakes atomic.Int32 }

func (f *fakeSync) Wake() { f.wakes.Add(1) }
func (f *fakeSync) Status() hallsync.SyncStatus {
	return hallsync.SyncStatus{Online: false, LastError: "hall unreachable", Failures: 3}
}

func testOutbox(t *testing.T, dir string) (*outbox.Outbox, []string) {
	t.Helper()
	key, err := seal.LoadOrCreateKey(filepath.Join(dir, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ob, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Opts{KioskID: "K001", Key: key,
		Now:      func() time.Time { return clock },
		AmountOf: outbox.AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable"})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	var ids []string
	for i := 0; i < 3; i++ {
		tp := persona
		got, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp,
			Body: []byte(`{"tax_payable":"12.30"}`)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	clock = clock.Add(10 * time.Minute)
	if err := ob.Ack(ids[:1], clock); err != nil {
		t.Fatal(err)
	}
	return ob, ids
}

// serve runs Serve in the background and waits until it answers.
func serve(t *testing.T, path string, h Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, path, h) }()
	c := &Client{Path: path}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := c.Status(context.Background())
		if err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Serve: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("socket never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var stopped bool
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Serve did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return stop
}

func TestSocketOps(t *testing.T) {
	dir := t.TempDir()
	ob, ids := testOutbox(t, dir)
	fs := &fakeSync{}
	path := filepath.Join(dir, "control.sock")
	stop := serve(t, path, Kiosk{Outbox: ob, Sync: fs})
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("socket %v, %v: want a socket with mode 0600", fi.Mode(), err)
	}
	c := &Client{Path: path}
	ctx := context.Background()

	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.KioskID != "K001" || st.Source != "kiosk" || st.Counts[txn.Queued] != 2 || st.Counts[txn.Acknowledged] != 1 ||
		st.Pending != 2 || st.Total != 3 || st.OldestQueued != jsontime.Duration(10*time.Minute) ||
		st.Online == nil || *st.Online || st.Failures != 3 || st.LastError != "hall unreachable" || st.LastSync.IsZero() {
		t.Fatalf("status %+v", st)
	}

	items, err := c.List(ctx, txn.Queued, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != ids[1] || items[0].State != txn.Queued || items[0].Amount != 1230 {
		t.Fatalf("list queued limit 1 = %+v", items)
	}
	tp := items[0].Taxpayer
	if tp == nil || !tp.Masked || tp.Name != "欧***" || tp.IDNumber != "4104**********123X" || tp.Address != "河南省"+strings.Repeat("*", 13) {
		t.Fatalf("masked taxpayer %+v", tp)
	}
	if all, _ := c.List(ctx, "", 0); len(all) != 3 {
		t.Fatalf("list all = %d records", len(all))
	}

	// The socket never carries personal data unless an export asks for it.
	raw := rawCall(t, path, `{"op":"outbox.list"}`)
	for _, secret := range []string{persona.Name, persona.IDNumber, "光明路"} {
		if strings.Contains(raw, secret) {
			t.Fatalf("list answer holds %q in plaintext", secret)
		}
	}
	exp, err := c.Export(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 3 || exp[2].Taxpayer == nil || exp[2].Taxpayer.Masked || exp[2].Taxpayer.IDNumber != persona.IDNumber {
		t.Fatalf("revealed export %+v", exp)
	}
	if masked, _ := c.Export(ctx, txn.Acknowledged, false); len(masked) != 1 || !masked[0].Taxpayer.Masked {
		t.Fatalf("masked export of acknowledged %+v", masked)
	}

	if err := c.SyncNow(ctx); err != nil || fs.wakes.Load() != 1 {
		t.Fatalf("sync now: %v, wakes %d", err, fs.wakes.Load())
	}
	for _, req := range []Request{{Op: "outbox.drop"}, {Op: OpList, Reveal: true}, {Op: OpList, Limit: -1}, {Op: OpList, State: "lost"}} {
		if _, err := c.Call(ctx, req); !errors.Is(err, ErrRefused) {
			t.Errorf("%+v: %v, want ErrRefused", req, err)
		}
	}

	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve returned %v, want context.Canceled", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
	if _, err := c.Status(ctx); !errors.Is(err, ErrNoKiosk) {
		t.Fatalf("status with no kiosk = %v, want ErrNoKiosk", err)
	}
}

// rawCall speaks the protocol by hand, as the package doc describes it.
func rawCall(t *testing.T, path, line string) string {
	t.Helper()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
	answer, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(answer)) {
		t.Fatalf("answer is not one JSON value: %q", answer)
	}
	return answer
}

func TestRawFrames(t *testing.T) {
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir)
	path := filepath.Join(dir, "control.sock")
	serve(t, path, Kiosk{Outbox: ob})
	for _, c := range []struct{ send, want string }{
		{`{"op":"outbox.status"}`, `"counts":{"acknowledged":1,"approved":0,"counter_visit":0,"queued":2,"rejected":0,"sending":0}`},
		{`{"op":"outbox.status"}`, `"source":"file"`}, // no sync loop behind this handler
		{`{"op":"sync.now"}`, `{"error":"control: no sync loop to wake"}`},
		{`{"op":"outbox.list","state":"acknowledged"}`, `"name":"欧***","id_number":"4104**********123X"`},
		{`{"op":`, `{"error":"control: bad request: unexpected end of JSON input"}`},
		{`not json`, `{"error":"control: bad request: invalid character`},
		{`{"op":"outbox.export","reveal":true,"state":"acknowledged"}`, `"id_number":"41040219800101123X"`},
	} {
		if got := rawCall(t, path, c.send); !strings.Contains(got, c.want) {
			t.Errorf("%s -> %s, want it to hold %s", c.send, got, c.want)
		}
	}
	// A request line without end cannot make the kiosk buffer without bound.
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	go conn.Write(bytes.Repeat([]byte("x"), maxRequest+10))
	answer, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.Contains(answer, "request longer than") {
		t.Fatalf("oversized request answered %q", answer)
	}
}

func TestServeRefusesTakenPaths(t *testing.T) {
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir)
	ctx := context.Background()

	// A socket a dead kiosk left behind is replaced.
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := (&Client{Path: stale}).Status(ctx); !errors.Is(err, ErrNoKiosk) {
		t.Fatalf("stale socket = %v, want ErrNoKiosk", err)
	}
	serve(t, stale, Kiosk{Outbox: ob})

	// A socket a live process serves is not taken over.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := Serve(sctx, stale, Kiosk{Outbox: ob}); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Serve = %v, want ErrInUse", err)
	}
	// Nor is a file that is not a socket.
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("keep me"), 0o600)
	if err := Serve(sctx, plain, Kiosk{Outbox: ob}); !errors.Is(err, ErrInUse) {
		t.Fatalf("Serve on a plain file = %v, want ErrInUse", err)
	}
	if b, _ := os.ReadFile(plain); string(b) != "keep me" {
		t.Fatal("Serve touched a plain file")
	}
}

func TestClientDeadline(t *testing.T) {
	// A listener that accepts and never answers: the context's deadline ends the call.
	path := filepath.Join(t.TempDir(), "mute.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := (&Client{Path: path}).Status(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("mute server = %v, want context.DeadlineExceeded", err)
	}
}

func TestWriteExport(t *testing.T) {
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir)
	recs, err := ob.List(outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "export.json")
	os.WriteFile(path, []byte("old"), 0o644)
	e := Export{KioskID: "K001", ExportedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Records: Items(recs, false)}
	if err := WriteExport(path, e); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("export mode %v, want 0600", fi.Mode().Perm())
	}
	var back Export
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &back); err != nil || len(back.Records) != 3 || back.Revealed {
		t.Fatalf("export read back: %v %+v", err, back)
	}
	if bytes.Contains(b, []byte(persona.IDNumber)) {
		t.Fatal("masked export holds the ID number")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".export.json.*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
