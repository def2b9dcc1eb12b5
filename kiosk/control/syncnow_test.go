package control

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// TestSyncNowWakesRealSyncer: the sync loop waits an hour after a failure; "sync now" over
// the socket makes it deliver at once when the hall is back.
func TestSyncNowWakesRealSyncer(t *testing.T) {
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir) // two queued transactions
	key, _ := seal.NewKey(bytes.Repeat([]byte{7}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var down atomic.Bool
	down.Store(true)
	h := hall.New(store, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	s := hallsync.New(ob, &hallapi.Client{BaseURL: ts.URL}, &hallsync.Opts{BaseBackoff: time.Hour, MaxBackoff: time.Hour})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Halt()
	waitFor(t, "a failed attempt", func() bool { return s.Status().Failures > 0 })

	serve(t, SocketPath(dir), Kiosk{Outbox: ob, Sync: s})
	down.Store(false)
	if err := (&Client{Path: SocketPath(dir)}).SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery after sync now", func() bool { return ob.Stats().Pending() == 0 && s.Status().Online })
	if n, _ := store.Count(context.Background()); n != 2 {
		t.Fatalf("hall holds %d, want the 2 queued", n)
	}
	st, err := (&Client{Path: SocketPath(dir)}).Status(context.Background())
	// The fixture's bodies are not whole VAT returns: the hall answers them, refused.
	if err != nil || st.Online == nil || !*st.Online || st.Counts[txn.Approved]+st.Counts[txn.Rejected] != 2 {
		t.Fatalf("status after sync now: %+v %v", st, err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
