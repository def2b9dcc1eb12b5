package hallsync

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/notices"
	"taxkiosk/kiosk/seal"
)

// TestBeaconBeatsAndCachesNotices: the beacon tells a real hall (bbolt, loopback) how the
// kiosk is, backlog from the outbox included, and keeps the hall's notices on the kiosk for
// when the hall is gone.
func TestBeaconBeatsAndCachesNotices(t *testing.T) {
	key, _ := seal.NewKey(bytes.Repeat([]byte{5}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := hall.New(store, nil)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	now := time.Now()
	if err := store.PutNotice(context.Background(), hall.StoredNotice{Notice: hallapi.Notice{ID: "n1",
		Title: hallapi.Text{ZH: "元旦假期办税安排"}, Start: now.Add(-time.Hour), End: now.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K-BEACON")
	enqueue(t, ob, 3) // no Syncer runs: three wait for the hall
	cache, err := notices.Open(filepath.Join(t.TempDir(), "notices.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	report := func() hallapi.Heartbeat {
		return hallapi.Heartbeat{State: hallapi.StateOutOfService, Reason: "printer_unavailable", Paper: hallapi.PaperOut,
			Version: "0.1.7", Devices: []hallapi.DeviceHealth{{Name: "printer", State: "user_error", Error: "paper_out"}}}
	}
	b := NewBeacon(ob, &hallapi.Client{BaseURL: ts.URL}, report, cache, &BeaconOpts{Every: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	waitFor(t, "a stored heartbeat", func() bool { bs, _ := store.Beats(ctx); return len(bs) == 1 })
	bs, _ := store.Beats(ctx)
	hb := bs[0].Heartbeat
	if hb.KioskID != "K-BEACON" || hb.Backlog != 3 || hb.State != hallapi.StateOutOfService || hb.Version != "0.1.7" || len(hb.Devices) != 1 {
		t.Fatalf("stored heartbeat %+v", hb)
	}
	incs, _ := store.Incidents(ctx, time.Time{})
	if len(incs) != 2 {
		t.Fatalf("incidents from the beat: %+v", incs)
	}
	waitFor(t, "notices cached", func() bool { ns, _, _ := cache.Current(time.Now()); return len(ns) == 1 })
	ts.Close() // the hall goes away: beats fail, the notices stay
	waitFor(t, "a failed beat", func() bool { _, e := b.LastBeat(); return e != "" })
	if ns, _, _ := cache.Current(time.Now()); len(ns) != 1 || ns[0].Title.ZH != "元旦假期办税安排" {
		t.Fatalf("notices offline: %+v", ns)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run returned %v", err)
	}
}

// TestBeaconFillsWhatReportLeaves: a kiosk without a report still says it is there.
func TestBeaconFillsWhatReportLeaves(t *testing.T) {
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K1")
	b := NewBeacon(ob, &hallapi.Client{BaseURL: "http://127.0.0.1:1"}, nil, nil, nil)
	hb := b.Heartbeat()
	if hb.KioskID != "K1" || hb.State != hallapi.StateInService || hb.Paper != hallapi.PaperUnknown || hb.Devices == nil || hb.SentAt.IsZero() {
		t.Fatalf("bare heartbeat %+v", hb)
	}
}
