package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The review: a full disk was noticed only at commit, after the taxpayer had typed a whole
// return. Healthy, which the desk asks before a service starts, now says so first.
func TestLowDiskSpaceIsOutOfServiceBeforeAnyWrite(t *testing.T) {
	var free atomic.Uint64
	free.Store(1 << 30)
	var asked atomic.Value
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), MinFree: 64 << 20,
		FreeSpace: func(dir string) (uint64, error) { asked.Store(dir); return free.Load(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	if err := ob.Healthy(); err != nil {
		t.Fatalf("1 GiB free: %v", err)
	}
	if asked.Load() != filepath.Dir(path) {
		t.Fatalf("asked about %v, want the outbox's directory", asked.Load())
	}
	free.Store(10 << 20)
	err = ob.Healthy()
	if !errors.Is(err, ErrOutOfService) || !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "10 MiB free") {
		t.Fatalf("10 MiB free: %v", err)
	}
	tp := persona
	if _, err := ob.Enqueue(context.Background(), vat(&tp)); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Enqueue on a nearly full disk: %v", err)
	}
	if st := ob.Stats(); !strings.Contains(st.OutOfService, "free") || st.Total != 0 {
		t.Fatalf("stats %+v", st)
	}
	free.Store(1 << 30) // the technician cleared space: back at once, no restart
	if err := ob.Healthy(); err != nil {
		t.Fatalf("space back: %v", err)
	}
	if st := ob.Stats(); st.OutOfService != "" {
		t.Fatalf("stats after: %+v", st)
	}
}

// A disk that stopped taking writes is found by a probe write while idle, before a taxpayer
// starts; the probe is not repeated on every call.
func TestProbeWriteWhileInService(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), Now: func() time.Time { return now }, ProbeEvery: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := ob.Healthy(); err != nil {
		t.Fatal(err)
	}
	ob.db.Close() // every write now fails, as on a disk gone read-only
	if err := ob.Healthy(); err != nil {
		t.Fatalf("probed again within ProbeEvery: %v", err)
	}
	now = now.Add(time.Minute)
	if err := ob.Healthy(); !errors.Is(err, ErrOutOfService) {
		t.Fatalf("after ProbeEvery on a dead disk: %v", err)
	}
}
