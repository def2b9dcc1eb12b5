package staffweb

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

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/boltstaff"
	"taxkiosk/kiosk/hall/staff/stafftest"
)

// password is every fixture account's (stafftest.CheapHash).
const password = "correct horse"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time         { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration)    { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock                  { return &clock{t: time.Date(2026, 12, 5, 1, 30, 0, 0, time.UTC)} }
func (c *clock) Set(t time.Time)        { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Since(t time.Time) bool { return !c.Now().Before(t) }

// fixture is an App over a real bbolt store, served over TLS on loopback, with one
// account per role: seat1, counter1 (counter 3), duty1, admin1.
type fixture struct {
	app   *App
	store staff.Store
	bus   *staff.MemBus
	clock *clock
	srv   *httptest.Server
}

var roleAccounts = map[staff.Role]string{staff.RoleSeat: "seat1", staff.RoleCounter: "counter1", staff.RoleDuty: "duty1", staff.RoleAdmin: "admin1"}

func newFixture(t *testing.T, register func(a *App)) *fixture {
	t.Helper()
	st, err := boltstaff.Open(filepath.Join(t.TempDir(), "staff.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
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
	f := &fixture{store: st, bus: staff.NewMemBus(), clock: newClock()}
	f.app, err = New(Opts{Store: st, Bus: f.bus, Now: f.clock.Now, DisplayToken: "display-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if register != nil {
		register(f.app)
	}
	f.srv = httptest.NewTLSServer(f.app)
	t.Cleanup(f.srv.Close)
	return f
}

// client is a browser without a session: its own cookie jar, no redirects followed.
func (f *fixture) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *f.srv.Client() // a copy: the server's client is shared
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches path and returns the status and body.
func (f *fixture) get(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends a form and returns the status and the Location header.
func (f *fixture) post(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(f.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// tryLogin posts the login form with password pw and returns the status.
func (f *fixture) tryLogin(t *testing.T, c *http.Client, name, pw string) int {
	t.Helper()
	_, page := f.get(t, c, "/login")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page without a CSRF field:\n%s", page)
	}
	status, _ := f.post(t, c, "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {pw}})
	return status
}

// login returns a client logged in as name.
func (f *fixture) login(t *testing.T, name string) *http.Client {
	t.Helper()
	c := f.client(t)
	if status := f.tryLogin(t, c, name, password); status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, status)
	}
	return c
}

// csrf reads the session's CSRF token from a page.
func (f *fixture) csrf(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	_, page := f.get(t, c, path)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s has no CSRF field", path)
	}
	return m[1]
}

// audited reports whether the audit trail holds action by who.
func (f *fixture) audited(t *testing.T, who, action string) bool {
	t.Helper()
	log, err := f.store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Who == who && e.Action == action {
			return true
		}
	}
	return false
}

func hasText(body string, texts ...string) bool {
	for _, s := range texts {
		if !strings.Contains(body, s) {
			return false
		}
	}
	return true
}
