package outbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/txn"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunPurge drives the purge runner with an injected clock and timer: personal data goes
// exactly when Keep has passed since the hall's acknowledgement, never before, never for
// records still waiting for the hall, and afterwards the file holds it nowhere.
func TestRunPurge(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }

	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { checkFile(t, path) })
	ctx := context.Background()
	var ids []string
	for i := 0; i < 3; i++ {
		tp := persona
		got, err := ob.Enqueue(ctx, vat(&tp))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	// ids[0] acknowledged now, ids[1] answered a day later, ids[2] never reaches the hall.
	if err := ob.Ack(ids[:1], now()); err != nil {
		t.Fatal(err)
	}
	if err := ob.Ack(ids[1:2], now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ob.SetResult(ids[1], txn.Result{State: txn.Approved, At: now().Add(25 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	passes := make(chan chan time.Time)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- ob.RunPurge(runCtx, &PurgeOpts{Keep: 7 * 24 * time.Hour, Every: time.Hour,
			After: func(d time.Duration) <-chan time.Time {
				if d != time.Hour {
					t.Errorf("purge waits %v, want 1h", d)
				}
				tick := make(chan time.Time, 1)
				passes <- tick
				return tick
			}})
	}()
	// pass waits until RunPurge has finished a purge and asks for its timer, then lets it run
	// the next one.
	pass := func() chan time.Time {
		select {
		case tick := <-passes:
			return tick
		case <-time.After(10 * time.Second):
			t.Fatal("purge runner did not come round")
			return nil
		}
	}
	purged := func() []bool {
		var out []bool
		for _, id := range ids {
			r, err := ob.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Purged != (r.Txn.Taxpayer == nil) {
				t.Fatalf("%s: purged %v but taxpayer %v", id, r.Purged, r.Txn.Taxpayer)
			}
			out = append(out, r.Purged)
		}
		return out
	}
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, "---"},
		{7*24*time.Hour - time.Minute, "---"}, // one minute short of Keep for ids[0]
		{2 * time.Minute, "P--"},
		{24 * time.Hour, "PP-"},
		{365 * 24 * time.Hour, "PP-"}, // still queued: kept whatever its age
	}
	tick := pass()
	for i, s := range steps {
		if i > 0 {
			advance(s.advance)
			tick <- now()
			tick = pass()
		}
		var got strings.Builder
		for _, p := range purged() {
			if p {
				got.WriteByte('P')
			} else {
				got.WriteByte('-')
			}
		}
		if got.String() != s.want {
			t.Fatalf("step %d: purged %s, want %s", i, got.String(), s.want)
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("RunPurge = %v, want context.Canceled", err)
	}
	if r, _ := ob.Get(ids[1]); r.State != txn.Approved || r.Result.State != txn.Approved {
		t.Fatalf("purge lost the result: %+v", r)
	}
	ob.Close()
	raw := readFile(t, path)
	if strings.Contains(string(raw), persona.IDNumber) {
		t.Fatal("the database file holds the ID number in plaintext")
	}
	ob2, err := Open(path, &Opts{Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer ob2.Close()
	if r, _ := ob2.Get(ids[2]); r.Txn.Taxpayer == nil || r.Txn.Taxpayer.IDNumber != persona.IDNumber {
		t.Fatalf("queued record lost its taxpayer: %+v", r.Txn.Taxpayer)
	}
}
