package hall_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
)

func TestFleetRules(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	base := hallapi.Heartbeat{KioskID: "K1", State: hallapi.StateInService, Paper: hallapi.PaperOK, CertExpiry: now.AddDate(1, 0, 0)}
	with := func(f func(*hallapi.Heartbeat)) hallapi.Heartbeat { hb := base; f(&hb); return hb }
	for _, c := range []struct {
		name string
		hb   hallapi.Heartbeat
		want []string
	}{
		{"all well", base, nil},
		{"out of service", with(func(h *hallapi.Heartbeat) { h.State, h.Reason = hallapi.StateOutOfService, "printer_unavailable" }), []string{"out_of_service:printer_unavailable"}},
		{"maintenance is no alarm", with(func(h *hallapi.Heartbeat) { h.State = hallapi.StateMaintenance }), nil},
		{"paper out", with(func(h *hallapi.Heartbeat) { h.Paper = hallapi.PaperOut }), []string{"paper_out:"}},
		{"paper near end is no alarm", with(func(h *hallapi.Heartbeat) { h.Paper = hallapi.PaperNearEnd }), nil},
		{"backlog of exactly an hour", with(func(h *hallapi.Heartbeat) { h.Backlog, h.OldestSeconds = 3, 3600 }), nil},
		{"backlog older than an hour", with(func(h *hallapi.Heartbeat) { h.Backlog, h.OldestSeconds = 3, 3601 }), []string{"backlog:3 waiting, oldest 1h0m0s"}},
		{"old age without backlog", with(func(h *hallapi.Heartbeat) { h.Backlog, h.OldestSeconds = 0, 9999 }), nil},
		{"certificate in 31 days", with(func(h *hallapi.Heartbeat) { h.CertExpiry = now.AddDate(0, 0, 31) }), nil},
		{"certificate in 29 days", with(func(h *hallapi.Heartbeat) { h.CertExpiry = now.AddDate(0, 0, 29) }), []string{"cert_expiry:2026-12-30 (29 days)"}},
		{"certificate expired", with(func(h *hallapi.Heartbeat) { h.CertExpiry = now.Add(-48 * time.Hour) }), []string{"cert_expiry:2026-11-29 (-2 days)"}},
		{"no certificate (loopback)", with(func(h *hallapi.Heartbeat) { h.CertExpiry = time.Time{} }), nil},
		{"everything at once", with(func(h *hallapi.Heartbeat) {
			h.State, h.Reason, h.Paper, h.Backlog, h.OldestSeconds, h.CertExpiry = hallapi.StateOutOfService, "r", hallapi.PaperOut, 1, 7200, now
		}), []string{"out_of_service:r", "paper_out:", "backlog:1 waiting, oldest 2h0m0s", "cert_expiry:2026-12-01 (0 days)"}},
	} {
		var got []string
		for _, cond := range (hall.FleetRules{}).Conditions(c.hb, now) {
			got = append(got, cond.Kind+":"+cond.Detail)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// Configured thresholds replace the defaults.
	r := hall.FleetRules{BacklogAge: 10 * time.Minute, CertWarning: 60 * 24 * time.Hour}
	hb := with(func(h *hallapi.Heartbeat) { h.Backlog, h.OldestSeconds, h.CertExpiry = 1, 601, now.AddDate(0, 0, 45) })
	if got := r.Conditions(hb, now); len(got) != 2 {
		t.Errorf("configured rules: %+v", got)
	}
}

// fleetHall is a hall on bbolt with a clock the test moves and the fleet events it told.
type fleetHall struct {
	mu     sync.Mutex
	now    time.Time
	events []hall.FleetEvent
	srv    *hall.Server
	http   *httptest.Server
	store  *boltstore.Store
}

func newFleetHall(t *testing.T, opts hall.Opts) *fleetHall {
	key, _ := seal.NewKey(bytes.Repeat([]byte{9}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	f := &fleetHall{now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), store: store}
	opts.Now = func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
	opts.FleetChanged = func(e hall.FleetEvent) { f.mu.Lock(); f.events = append(f.events, e); f.mu.Unlock() }
	f.srv = hall.New(store, &opts)
	f.http = httptest.NewServer(f.srv)
	t.Cleanup(func() { f.http.Close(); store.Close() })
	return f
}

func (f *fleetHall) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

func (f *fleetHall) took() []hall.FleetEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events
	f.events = nil
	return e
}

func TestHeartbeatEndpoint(t *testing.T) {
	f := newFleetHall(t, hall.Opts{})
	c := &hallapi.Client{BaseURL: f.http.URL}
	ctx := context.Background()
	hb := hallapi.Heartbeat{KioskID: "K1", State: hallapi.StateOutOfService, Reason: "printer_unavailable", Paper: hallapi.PaperOut,
		PaperLeft: 0, Version: "0.1.7", Devices: []hallapi.DeviceHealth{{Name: "printer", State: "user_error", Error: "paper_out"}}}
	ans, err := c.SendHeartbeat(ctx, hb)
	if err != nil || !ans.Time.Equal(f.now) {
		t.Fatalf("SendHeartbeat: %+v %v", ans, err)
	}
	ev := f.took()
	if len(ev) != 1 || ev[0].Beat == nil || len(ev[0].Incidents) != 2 {
		t.Fatalf("events after an out-of-service beat: %+v", ev)
	}
	bs, _ := f.srv.Fleet().Beats(ctx)
	if len(bs) != 1 || bs[0].Heartbeat.Reason != "printer_unavailable" || !bs[0].ReceivedAt.Equal(f.now) {
		t.Fatalf("stored beats %+v", bs)
	}
	// Six quiet minutes: silent; the kiosk back in service ends all three.
	f.advance(6 * time.Minute)
	if got, err := f.srv.Sweep(ctx); err != nil || len(got) != 1 || got[0].Kind != hall.AlarmSilent {
		t.Fatalf("Sweep after 6 quiet minutes: %+v %v", got, err)
	}
	if ev := f.took(); len(ev) != 1 || ev[0].Beat != nil || len(ev[0].Incidents) != 1 {
		t.Fatalf("events of the sweep: %+v", ev)
	}
	hb.State, hb.Reason, hb.Paper = hallapi.StateInService, "", hallapi.PaperOK
	if _, err := c.SendHeartbeat(ctx, hb); err != nil {
		t.Fatal(err)
	}
	incs, _ := f.srv.Fleet().Incidents(ctx, time.Time{})
	for _, inc := range incs {
		if inc.Open() {
			t.Errorf("incident still open after the kiosk came back: %+v", inc)
		}
	}
	if len(incs) != 3 {
		t.Errorf("incidents %+v, want out_of_service, paper_out and silent", incs)
	}
	// What the board could not show truthfully is refused, and nothing is stored.
	for _, bad := range []string{`{`, `{"state":"in_service","paper":"ok"}`,
		`{"kiosk_id":"K2","state":"sleeping","paper":"ok"}`, `{"kiosk_id":"K2","state":"in_service","paper":"lots"}`,
		`{"kiosk_id":"K2","state":"in_service","paper":"ok","backlog":-1}`,
		`{"kiosk_id":"K2","state":"in_service","paper":"ok","version":"` + strings.Repeat("v", 200) + `"}`,
		`{"kiosk_id":"K2","state":"in_service","paper":"ok","reason":"\xff"}`} {
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathHeartbeat, strings.NewReader(bad)))
		if rec.Code != 400 {
			t.Errorf("heartbeat %q: %d %s", bad, rec.Code, rec.Body)
		}
	}
	if bs, _ := f.srv.Fleet().Beats(ctx); len(bs) != 1 {
		t.Errorf("a refused heartbeat was stored: %+v", bs)
	}
}

// TestHeartbeatRequiresItsKiosk: with kiosk certificates required, a heartbeat comes from
// the kiosk it names, signed by its key.
func TestHeartbeatRequiresItsKiosk(t *testing.T) {
	f := newFleetHall(t, hall.Opts{RequireKiosk: true})
	state, key := kioskTLS(t, "K1")
	body := func(kiosk string) []byte {
		b, _ := json.Marshal(hallapi.Heartbeat{KioskID: kiosk, State: hallapi.StateInService, Paper: hallapi.PaperOK})
		return b
	}
	for _, c := range []struct {
		name   string
		kiosk  string
		tls    bool
		signed bool
		want   int
	}{
		{"no certificate", "K1", false, true, 401},
		{"another kiosk's", "K2", true, true, 403},
		{"unsigned", "K1", true, false, 401},
		{"its own, signed", "K1", true, true, 200},
	} {
		b := body(c.kiosk)
		req := httptest.NewRequest("POST", hallapi.PathHeartbeat, bytes.NewReader(b))
		if c.tls {
			req.TLS = state
		}
		if c.signed {
			req.Header.Set(hallapi.HeaderSignature, hallapi.SignBody(key, b))
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body, c.want)
		}
	}
	req := httptest.NewRequest("GET", hallapi.PathNotices+"?kiosk=K2", nil)
	req.TLS = state
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != 403 {
		t.Errorf("notices of another kiosk: %d", rec.Code)
	}
}

func TestNoticesEndpoint(t *testing.T) {
	f := newFleetHall(t, hall.Opts{})
	ctx := context.Background()
	now := f.now
	for _, n := range []hall.StoredNotice{
		{Notice: hallapi.Notice{ID: "n2", Title: hallapi.Text{ZH: "明日"}, Start: now.Add(24 * time.Hour), End: now.Add(48 * time.Hour)}},
		{Notice: hallapi.Notice{ID: "n1", Title: hallapi.Text{ZH: "今日"}, Start: now.Add(-time.Hour), End: now.Add(time.Hour)}},
		{Notice: hallapi.Notice{ID: "n0", Title: hallapi.Text{ZH: "昨日"}, Start: now.Add(-48 * time.Hour), End: now.Add(-time.Minute)}},
	} {
		if err := f.srv.Fleet().PutNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	ns, err := (&hallapi.Client{BaseURL: f.http.URL}).Notices(ctx, "K1")
	if err != nil || len(ns) != 2 || ns[0].ID != "n1" || ns[1].ID != "n2" || !ns[0].Current(now) || ns[1].Current(now) {
		t.Fatalf("Notices = %+v %v", ns, err)
	}
	if _, err := (&hallapi.Client{BaseURL: f.http.URL}).Notices(ctx, ""); !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("notices without a kiosk: %v", err)
	}
}

func TestHallDay(t *testing.T) {
	// 2026-11-30 17:00 UTC is 2026-12-01 01:00 in Beijing: the hall's day is the 1st.
	day, from, to := hall.HallDay(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC))
	if day != "2026-12-01" || !from.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) || to.Sub(from) != 24*time.Hour {
		t.Fatalf("HallDay = %s %v %v", day, from, to)
	}
	if f2, t2, err := hall.ParseHallDay(day); err != nil || !f2.Equal(from) || !t2.Equal(to) {
		t.Fatalf("ParseHallDay = %v %v %v", f2, t2, err)
	}
	if _, _, err := hall.ParseHallDay("2026-13-01"); !errors.Is(err, hall.ErrInvalid) {
		t.Fatalf("ParseHallDay(bad) = %v", err)
	}
}
