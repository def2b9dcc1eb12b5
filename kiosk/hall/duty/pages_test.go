package duty

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/boltstaff"
	"taxkiosk/kiosk/hall/staff/stafftest"
	"taxkiosk/kiosk/hall/staffweb"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
)

// password is every fixture account's (stafftest.CheapHash).
const password = "correct horse"

var roleAccounts = map[staff.Role]string{staff.RoleSeat: "seat1", staff.RoleCounter: "counter1", staff.RoleDuty: "duty1", staff.RoleAdmin: "admin1"}

// testClock is the hall's and the staff pages' clock, moved by the test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// hallFixture is a hall as `hall serve` assembles it for the duty leader: the kiosks' API
// (hall.Server on a bbolt store) and the staff web application with these pages, both on
// loopback, sharing one clock and one bus.
type hallFixture struct {
	base  time.Time // 10:00 of the fixture's day in the hall
	clock *testClock
	store *boltstore.Store
	staff staff.Store
	bus   *staff.MemBus
	hall  *hall.Server
	api   *httptest.Server // the kiosks'
	web   *httptest.Server // the staff's, TLS
}

func newHallFixture(t *testing.T) *hallFixture { return newHallFixtureAt(t, t0) }

// newHallFixtureAt is a fixture whose day's 10:00 is base, and whose clock starts there.
func newHallFixtureAt(t *testing.T, base time.Time) *hallFixture {
	t.Helper()
	f := &hallFixture{base: base, clock: &testClock{t: base}, store: openStore(t), bus: staff.NewMemBus()}
	st, err := boltstaff.Open(filepath.Join(t.TempDir(), "staff.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.staff = st
	ctx := context.Background()
	for role, name := range roleAccounts {
		a := staff.Account{Name: name, Role: role, Hash: stafftest.CheapHash}
		if role == staff.RoleCounter {
			a.Counter = 3
		}
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	f.hall = hall.New(f.store, &hall.Opts{Now: f.clock.Now, FleetChanged: Publisher(f.bus)})
	f.api = httptest.NewServer(f.hall)
	t.Cleanup(f.api.Close)
	app, err := staffweb.New(staffweb.Opts{Store: st, Bus: f.bus, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	(&Pages{Src: f.store, Rules: f.hall.FleetRules()}).Register(app)
	f.web = httptest.NewTLSServer(app)
	t.Cleanup(f.web.Close)
	return f
}

// testJar keeps cookies by the test's clock rather than the machine's: a session cookie
// expires at the fixture's time plus the session's life, which the machine's clock may
// already have passed. Cookies the server deletes (MaxAge < 0) are still deleted.
type testJar struct{ *cookiejar.Jar }

func (j testJar) SetCookies(u *url.URL, cs []*http.Cookie) {
	for _, c := range cs {
		c.Expires = time.Time{}
	}
	j.Jar.SetCookies(u, cs)
}

// client is a browser without a session: its own cookie jar, no redirects followed.
func (f *hallFixture) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *f.web.Client()
	c.Jar = testJar{jar}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (f *hallFixture) get(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(f.web.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *hallFixture) post(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(f.web.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

func (f *hallFixture) login(t *testing.T, name string) (*http.Client, string) {
	t.Helper()
	c := f.client()
	_, page := f.get(t, c, "/login")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("login page without CSRF")
	}
	if status, _ := f.post(t, c, "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}}); status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, status)
	}
	// Every page the account may or may not see carries the session's token in its logout
	// form (a refused page is the layout too).
	_, page = f.get(t, c, "/duty")
	tok := ""
	if m = csrfField.FindStringSubmatch(page); m != nil {
		tok = m[1]
	}
	return c, tok
}

// beat sends a heartbeat of kiosk to the hall's API as a kiosk would.
func (f *hallFixture) beat(t *testing.T, hb hallapi.Heartbeat) {
	t.Helper()
	if _, err := (&hallapi.Client{BaseURL: f.api.URL}).SendHeartbeat(context.Background(), hb); err != nil {
		t.Fatal(err)
	}
}

// day fills the fixture with a day of the hall's life, personal data included, as the
// ID-number checks need: transactions with taxpayers, a help call with the masked name,
// a kiosk out of paper.
func (f *hallFixture) day(t *testing.T) {
	dayAt(t, f.store, f.base)
	ctx := context.Background()
	f.staff.PutKiosk(ctx, staff.Kiosk{ID: "K1", Name: "1号机", Place: "自助办税区东侧"})
	f.staff.AddHelpCall(ctx, staff.HelpCall{ID: "K1/h1", KioskID: "K1", CalledAt: f.base.Add(2 * time.Hour), Source: "button",
		MaskedName: mask.Name(storetest.Persona.Name), State: staff.HelpWaiting})
	f.fleetBeats(t)
}

// fleetBeats is a heartbeat of K1 (out of service, out of paper) and K2 (in service, a
// small backlog, a certificate ending in 20 days).
func (f *hallFixture) fleetBeats(t *testing.T) {
	f.beat(t, hallapi.Heartbeat{KioskID: "K1", State: hallapi.StateOutOfService, Reason: "service.blocked.paper_out", Paper: hallapi.PaperOut,
		PaperLeft: 0, Version: "0.1.7", Devices: []hallapi.DeviceHealth{{Name: "printer", State: "user_error", Error: "paper_out"}, {Name: "idcard", State: "online"}}})
	f.beat(t, hallapi.Heartbeat{KioskID: "K2", State: hallapi.StateInService, Paper: hallapi.PaperOK, PaperLeft: 212, Backlog: 2, OldestSeconds: 95,
		Version: "0.1.7", CertExpiry: f.base.AddDate(0, 0, 20), Devices: []hallapi.DeviceHealth{{Name: "printer", State: "online"}}})
}

var pages = []string{"/duty", "/duty/stats", "/duty/log", "/duty/notices", "/duty/log.csv", "/duty/duty.css"}

// TestPagesByRole: every page as nobody (to the login), as the seat and a counter (403),
// as the duty leader and an admin (shown).
func TestPagesByRole(t *testing.T) {
	f := newHallFixture(t)
	f.day(t)
	for _, p := range pages {
		if status, _ := f.get(t, f.client(), p); status != http.StatusSeeOther {
			t.Errorf("nobody %s: %d", p, status)
		}
	}
	for role, name := range roleAccounts {
		c, _ := f.login(t, name)
		want := http.StatusForbidden
		if role == staff.RoleDuty || role == staff.RoleAdmin {
			want = http.StatusOK
		}
		for _, p := range pages {
			if status, body := f.get(t, c, p); status != want {
				t.Errorf("%s %s: %d, want %d\n%.300s", role, p, status, want, body)
			}
		}
	}
	c, _ := f.login(t, "duty1")
	if status, _ := f.get(t, c, "/duty/log?day=2026-13-45"); status != http.StatusServiceUnavailable && status != http.StatusBadRequest {
		t.Errorf("a day that does not parse: %d", status)
	}
}

// TestActionsByRole: every action as nobody (401), with a wrong CSRF token (403), as the
// seat and a counter (403), and as the duty leader (done, audited).
func TestActionsByRole(t *testing.T) {
	f := newHallFixture(t)
	f.day(t)
	duty, tok := f.login(t, "duty1")
	_, board := f.get(t, duty, "/duty")
	alarm := regexp.MustCompile(`name="alarm" value="([^"]+)"`).FindAllStringSubmatch(board, -1)
	if len(alarm) < 2 {
		t.Fatalf("board without alarms to acknowledge:\n%s", board)
	}
	day, _, _ := hall.HallDay(f.clock.Now())
	actions := []struct {
		path string
		form url.Values
	}{
		{"/duty/ack", url.Values{"alarm": {alarm[0][1]}}},
		{"/duty/note", url.Values{"day": {day}, "text": {"2号机缺纸，已通知保洁补纸"}}},
		{"/duty/notice", url.Values{"title_zh": {"元旦假期办税安排"}, "text_zh": {"1月1日至3日自助终端照常服务。"},
			"start": {"2026-12-01T09:00"}, "end": {"2026-12-08T09:00"}}},
	}
	for _, a := range actions {
		form := url.Values{"back": {"/duty"}}
		for k, v := range a.form {
			form[k] = v
		}
		if status, _ := f.post(t, f.client(), a.path, form); status != http.StatusUnauthorized {
			t.Errorf("nobody %s: %d", a.path, status)
		}
		for _, name := range []string{"seat1", "counter1"} {
			c, ctok := f.login(t, name)
			form.Set("csrf", ctok)
			if status, _ := f.post(t, c, a.path, form); status != http.StatusForbidden {
				t.Errorf("%s %s: %d", name, a.path, status)
			}
		}
		form.Set("csrf", tok+"x")
		if status, _ := f.post(t, duty, a.path, form); status != http.StatusForbidden {
			t.Errorf("wrong CSRF %s: %d", a.path, status)
		}
		form.Set("csrf", tok)
		status, loc := f.post(t, duty, a.path, form)
		if status != http.StatusSeeOther || !strings.Contains(loc, "msg=staff.msg.done") {
			t.Errorf("duty %s: %d %s", a.path, status, loc)
		}
	}
	// What the actions did: the alarm acknowledged by duty1, the note and the notice stored.
	acks, _ := f.store.Acks(context.Background())
	if len(acks) != 1 || acks[0].AlarmID != alarm[0][1] || acks[0].By != "duty1" {
		t.Errorf("acks %+v", acks)
	}
	if notes, _ := f.store.Notes(context.Background(), day); len(notes) != 1 || notes[0].By != "duty1" {
		t.Errorf("notes %+v", notes)
	}
	ns, _ := f.store.Notices(context.Background(), f.clock.Now())
	if len(ns) != 1 || ns[0].Title.ZH != "元旦假期办税安排" || !ns[0].Start.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("notices %+v", ns)
	}
	// A second acknowledgement, an unknown alarm, an empty note and a notice that ended are refused.
	for _, bad := range []struct {
		path string
		form url.Values
		msg  string
	}{
		{"/duty/ack", url.Values{"alarm": {alarm[0][1]}}, "staff.err.state"},
		{"/duty/ack", url.Values{"alarm": {"i:K9/made-up/1"}}, "staff.err.not_found"},
		{"/duty/note", url.Values{"day": {day}, "text": {"  "}}, "staff.err.invalid"},
		{"/duty/notice", url.Values{"title_zh": {"旧"}, "start": {"2026-11-01T09:00"}, "end": {"2026-11-02T09:00"}}, "staff.err.invalid"},
		{"/duty/notice/withdraw", url.Values{"notice": {"nope"}}, "staff.err.not_found"},
	} {
		bad.form.Set("csrf", tok)
		bad.form.Set("back", "/duty")
		if status, loc := f.post(t, duty, bad.path, bad.form); status != http.StatusSeeOther || !strings.Contains(loc, bad.msg) {
			t.Errorf("refused %s %v: %d %s, want %s", bad.path, bad.form, status, loc, bad.msg)
		}
	}
	bad := url.Values{"csrf": {tok}, "back": {"/duty"}, "notice": {ns[0].ID}}
	if status, loc := f.post(t, duty, "/duty/notice/withdraw", bad); status != http.StatusSeeOther || !strings.Contains(loc, "staff.msg.done") {
		t.Errorf("withdraw: %d %s", status, loc)
	}
	if ns, _ := f.store.Notices(context.Background(), f.clock.Now()); len(ns) != 0 {
		t.Errorf("withdrawn notice still current: %+v", ns)
	}
	log, _ := f.staff.AuditLog(context.Background(), 100)
	seen := map[string]bool{}
	for _, e := range log {
		seen[e.Who+" "+e.Action] = true
	}
	for _, want := range []string{"duty1 alarm_ack", "duty1 duty_note", "duty1 notice_publish", "duty1 notice_withdraw", "seat1 forbidden"} {
		if !seen[want] {
			t.Errorf("audit trail lacks %q", want)
		}
	}
}

// TestNoIDNumberOnAnyPage: the hall holds a taxpayer's name and ID number (sealed); no
// page, fragment or CSV of the duty leader's shows either, in either language, even where
// the duty leader typed the number into a note.
func TestNoIDNumberOnAnyPage(t *testing.T) {
	f := newHallFixture(t)
	f.day(t)
	c, tok := f.login(t, "duty1")
	day, _, _ := hall.HallDay(f.clock.Now())
	f.post(t, c, "/duty/note", url.Values{"csrf": {tok}, "back": {"/duty/log"}, "day": {day},
		"text": {"纳税人" + storetest.Persona.IDNumber + "反映打印慢"}})
	for _, lang := range []string{"zh", "en"} {
		f.get(t, c, "/duty?lang="+lang)
		for _, p := range append(pages, "/duty?fragment=live", "/duty/log?day="+day, "/duty/log.csv?day="+day) {
			status, body := f.get(t, c, p)
			if status != http.StatusOK {
				t.Fatalf("%s %s: %d", lang, p, status)
			}
			for _, secret := range []string{storetest.Persona.IDNumber, storetest.Persona.Name, "41040219800101"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s %s carries %q", lang, p, secret)
				}
			}
		}
	}
	_, log := f.get(t, c, "/duty/log?day="+day)
	if !strings.Contains(log, "4104**********123X") || !strings.Contains(log, mask.Name(storetest.Persona.Name)) {
		t.Errorf("the log lost the masked note or the masked name")
	}
}

// TestBoardShows: what the board, the figures, the log and the CSV say of the fixture's day.
func TestBoardShows(t *testing.T) {
	f := newHallFixture(t)
	f.day(t)
	c, _ := f.login(t, "duty1")
	_, board := f.get(t, c, "/duty")
	for _, want := range []string{`data-kiosk="K1" data-state="out_of_service"`, `data-kiosk="K2" data-state="in_service"`,
		"1号机", "自助办税区东侧", "缺纸", "打印机：需处理 (paper_out)", "约剩 212 张", "最早已等 1分35秒", "剩 20 天",
		"打印机缺纸", "终端暂停服务", "机柜门被打开", "证书30天内到期", `id="pending-count">4<`, `id="help-open">1<`} {
		if !strings.Contains(board, want) {
			t.Errorf("board lacks %q", want)
		}
	}
	_, stats := f.get(t, c, "/duty/stats")
	for _, want := range []string{"<svg", "增值税申报", "近7日平均评分", "3.67"} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats lack %q", want)
		}
	}
	f.get(t, c, "/duty?lang=en")
	_, board = f.get(t, c, "/duty")
	for _, want := range []string{"Out of service", "Printer out of paper", "Cabinet door opened", "Acknowledge"} {
		if !strings.Contains(board, want) {
			t.Errorf("English board lacks %q", want)
		}
	}
	_, csv := f.get(t, c, "/duty/log.csv")
	for _, want := range []string{"The day's figures,2026-12-01,,Transactions,4,", "Calls for the seat", "欧**", "Cabinet door opened"} {
		if !strings.Contains(csv, want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv)
		}
	}
}
