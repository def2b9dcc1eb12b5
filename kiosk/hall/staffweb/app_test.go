package staffweb

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"taxkiosk/kiosk/hall/staff"
)

// testPages registers a page for the duty leader and an action for it, as a page of
// another package would (its own FS).
func testPages(a *App) {
	fsys := fstest.MapFS{"probe.html": {Data: []byte(`{{define "content"}}<h1>{{.T "staff.app.title"}}</h1><div id="live">{{template "live" .}}</div>
<form method="post" action="/probe/poke"><input type="hidden" name="csrf" value="{{.CSRF}}"><input type="hidden" name="back" value="/probe"><button>x</button></form>{{end}}
{{define "live"}}<p class="n">{{.Data}}</p>{{end}}`)}}
	n := 0
	a.Page(Page{Path: "/probe", Title: "staff.role.duty", Roles: []staff.Role{staff.RoleDuty}, Template: "probe.html", FS: fsys, Topics: []string{"probe"},
		Data: func(c *Ctx) (any, error) { return n, nil }})
	a.Action("/probe/poke", "probe.poke", []staff.Role{staff.RoleDuty}, func(c *Ctx) (string, error) {
		n++
		return "poked", c.Bus().Publish("probe", nil)
	})
}

func TestLoginCookiesAndLogout(t *testing.T) {
	f := newFixture(t, testPages)
	c := f.client(t)
	if status, _ := f.get(t, c, "/probe"); status != http.StatusSeeOther {
		t.Fatalf("nobody got the page: %d", status)
	}
	_, page := f.get(t, c, "/login")
	tok := csrfField.FindStringSubmatch(page)[1]
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"csrf": {tok}, "name": {"duty1"}, "password": {password}, "next": {"/probe"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/probe" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" {
		t.Fatalf("session cookie %+v", session)
	}
	// The store holds the token's hash only.
	if _, err := f.store.Session(context.Background(), session.Value); err == nil {
		t.Fatal("the session token itself is a key in the store")
	}
	if status, body := f.get(t, c, "/probe"); status != http.StatusOK || !hasText(body, `class="n">0<`, "办税服务厅管理") {
		t.Fatalf("page as duty: %d\n%s", status, body)
	}
	if !f.audited(t, "duty1", "login") {
		t.Fatal("login not audited")
	}
	tok = f.csrf(t, c, "/probe")
	if status, _ := f.post(t, c, "/logout", url.Values{"csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("logout: %d", status)
	}
	if status, _ := f.get(t, c, "/probe"); status != http.StatusSeeOther {
		t.Fatalf("page after logout: %d", status)
	}
	if !f.audited(t, "duty1", "logout") {
		t.Fatal("logout not audited")
	}
}

func TestSessionExpires(t *testing.T) {
	f := newFixture(t, testPages)
	c := f.login(t, "duty1")
	f.clock.Add(12*time.Hour + time.Second)
	if status, _ := f.get(t, c, "/probe"); status != http.StatusSeeOther {
		t.Fatalf("page after the session's end: %d", status)
	}
}

func TestRolesSeeOnlyTheirPages(t *testing.T) {
	f := newFixture(t, testPages)
	for role, name := range roleAccounts {
		c := f.login(t, name)
		status, _ := f.get(t, c, "/probe")
		want := http.StatusForbidden
		if role == staff.RoleDuty || role == staff.RoleAdmin {
			want = http.StatusOK
		}
		if status != want {
			t.Errorf("%s: /probe %d, want %d", role, status, want)
		}
		if want == http.StatusForbidden && !f.audited(t, name, "forbidden") {
			t.Errorf("%s: refused page not audited", role)
		}
	}
}

func TestActionNeedsCSRFAndRole(t *testing.T) {
	f := newFixture(t, testPages)
	duty := f.login(t, "duty1")
	tok := f.csrf(t, duty, "/probe")
	for _, bad := range []url.Values{{}, {"csrf": {"forged"}}, {"csrf": {tok + "x"}}} {
		if status, _ := f.post(t, duty, "/probe/poke", bad); status != http.StatusForbidden {
			t.Fatalf("poke with csrf %q: %d", bad.Get("csrf"), status)
		}
	}
	if !f.audited(t, "duty1", "csrf_refused") {
		t.Fatal("refused CSRF token not audited")
	}
	// Another person's token is no good either.
	admin := f.login(t, "admin1")
	if status, _ := f.post(t, duty, "/probe/poke", url.Values{"csrf": {f.csrf(t, admin, "/probe")}}); status != http.StatusForbidden {
		t.Fatalf("poke with another session's token: %d", status)
	}
	status, loc := f.post(t, duty, "/probe/poke", url.Values{"csrf": {tok}, "back": {"/probe"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/probe?msg=staff.msg.done") {
		t.Fatalf("poke: %d to %q", status, loc)
	}
	if !f.audited(t, "duty1", "probe.poke") {
		t.Fatal("action not audited")
	}
	// The seat has a session and a valid token, but not the role.
	seat := f.login(t, "seat1")
	if status, _ := f.post(t, seat, "/probe/poke", url.Values{"csrf": {seatToken(t, f, seat)}}); status != http.StatusForbidden {
		t.Fatalf("seat poked: %d", status)
	}
	// Nobody.
	if status, _ := f.post(t, f.client(t), "/probe/poke", url.Values{"csrf": {tok}}); status != http.StatusUnauthorized {
		t.Fatalf("nobody poked: %d", status)
	}
	// An open redirect through back is refused.
	if _, loc := f.post(t, duty, "/probe/poke", url.Values{"csrf": {tok}, "back": {"//evil.example/"}}); !strings.HasPrefix(loc, "/?") {
		t.Fatalf("back to another site: %q", loc)
	}
}

// seatToken reads the seat's CSRF token from the logout form of a page it may see.
func seatToken(t *testing.T, f *fixture, c *http.Client) string {
	status, body := f.get(t, c, "/")
	if status == http.StatusSeeOther {
		resp, _ := c.Get(f.srv.URL + "/")
		loc := resp.Header.Get("Location")
		resp.Body.Close()
		_, body = f.get(t, c, loc)
	}
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field for the seat:\n%s", body)
	}
	return m[1]
}

func TestLoginCSRFRefused(t *testing.T) {
	f := newFixture(t, testPages)
	c := f.client(t)
	f.get(t, c, "/login")
	if status, _ := f.post(t, c, "/login", url.Values{"csrf": {"guess"}, "name": {"duty1"}, "password": {password}}); status != http.StatusForbidden {
		t.Fatalf("login with a forged token: %d", status)
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t, testPages)
	c := f.client(t)
	for i := range 4 {
		if status := f.tryLogin(t, c, "seat1", "wrong password"); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, status)
		}
	}
	if status := f.tryLogin(t, c, "seat1", "wrong password"); status != http.StatusUnauthorized {
		t.Fatalf("fifth failure: %d", status)
	}
	if !f.audited(t, "seat1", "account_locked") {
		t.Fatal("lockout not audited")
	}
	// Locked: the right password is refused too, and says why.
	_, page := f.get(t, c, "/login")
	tok := csrfField.FindStringSubmatch(page)[1]
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"csrf": {tok}, "name": {"seat1"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(resp)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "账号已暂时锁定") {
		t.Fatalf("locked account: %d\n%s", resp.StatusCode, body)
	}
	// Another account is not locked by it.
	f.login(t, "duty1")
	f.clock.Add(15*time.Minute + time.Second)
	f.login(t, "seat1")
	if a, _ := f.store.Account(context.Background(), "seat1"); a.Failures != 0 {
		t.Fatalf("failures after a good login: %d", a.Failures)
	}
}

func TestUnknownNameRefused(t *testing.T) {
	f := newFixture(t, testPages)
	if status := f.tryLogin(t, f.client(t), "nobody", password); status != http.StatusUnauthorized {
		t.Fatalf("unknown name: %d", status)
	}
	if !f.audited(t, "", "login_failed") {
		t.Fatal("failed login not audited")
	}
}

func TestLanguageSwitchAndHeaders(t *testing.T) {
	f := newFixture(t, testPages)
	c := f.client(t)
	resp, err := c.Get(f.srv.URL + "/login?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = c.Get(f.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(resp)
	if !strings.Contains(body, "Tax hall staff") || !strings.Contains(body, `lang="en"`) {
		t.Fatalf("English login page:\n%s", body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers: %v", resp.Header)
	}
}

func TestStaticAssetsEmbedded(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	for path, want := range map[string]string{"/static/staff.css": "@font-face", "/static/live.js": "EventSource"} {
		status, body := f.get(t, c, path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d", path, status)
		}
	}
	resp, err := c.Get(f.srv.URL + "/static/font.otf")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 4)
	resp.Body.Read(head)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(head) != "OTTO" {
		t.Fatalf("font: %d %q", resp.StatusCode, head)
	}
}

func TestEventStreamTellsTheChange(t *testing.T) {
	f := newFixture(t, testPages)
	duty := f.login(t, "duty1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+"/events?page=/probe", nil)
	resp, err := duty.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	buf := make([]byte, 256)
	n, _ := resp.Body.Read(buf) // ": open"
	if !strings.Contains(string(buf[:n]), "open") {
		t.Fatalf("stream began with %q", buf[:n])
	}
	tok := f.csrf(t, duty, "/probe")
	f.post(t, duty, "/probe/poke", url.Values{"csrf": {tok}, "back": {"/probe"}})
	n, _ = resp.Body.Read(buf)
	if got := string(buf[:n]); got != "event: change\ndata: probe\n\n" {
		t.Fatalf("event %q", got)
	}
	if status, body := f.get(t, duty, "/probe?fragment=live"); status != http.StatusOK || strings.TrimSpace(body) != `<p class="n">1</p>` {
		t.Fatalf("fragment: %d %q", status, body)
	}
	// Another role's stream is refused, as is nobody's.
	seat := f.login(t, "seat1")
	if status, _ := f.get(t, seat, "/events?page=/probe"); status != http.StatusForbidden {
		t.Fatalf("seat's stream of the duty page: %d", status)
	}
	if status, _ := f.get(t, f.client(t), "/events?page=/probe"); status != http.StatusUnauthorized {
		t.Fatalf("nobody's stream: %d", status)
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
