package terminal_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/certs"
)

// staffBrowser is the demo's staff pages as a logged-in person sees them over HTTPS.
type staffBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (s *staffBrowser) page(path string) string {
	s.t.Helper()
	resp, err := s.c.Get(strings.TrimSuffix(s.base, "/") + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (s *staffBrowser) post(path string, form url.Values) *http.Response {
	s.t.Helper()
	resp, err := s.c.PostForm(strings.TrimSuffix(s.base, "/")+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func staffLogin(t *testing.T, d *demo.Demo, name string) *staffBrowser {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(d.CertsDir, certs.StaffCACert))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	jar, _ := cookiejar.New(nil)
	s := &staffBrowser{t: t, base: d.StaffURL, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	m := csrfField.FindStringSubmatch(s.page("/login"))
	if m == nil {
		t.Fatal("no login form")
	}
	if resp := s.post("/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {demo.StaffPassword}}); resp.Request.URL.Path == "/login" {
		t.Fatalf("login as %s refused", name)
	}
	return s
}

// TestSeatAcceptStopsTheBlinking: the help button calls the seat; the seat accepts on its
// page; the kiosk learns it from the hall, says so (HelpAccepted) and the tower light
// stops blinking before its three minutes are up.
func TestSeatAcceptStopsTheBlinking(t *testing.T) {
	k := newKiosk(t)
	seat := staffLogin(t, k.demo, "seat")
	k.term.Desk.NoteScreen("vat", "")
	k.demo.PressHelp()
	for {
		if _, ok := k.event(10 * time.Second).(desk.HelpCalled); ok {
			break
		}
	}
	k.waitFor("the tower light blinking", func() bool { return k.demo.TowerLight() == gpio.TowerBlink })
	var id string
	k.waitFor("the call on the seat's page", func() bool {
		m := regexp.MustCompile(`data-id="([^"]+)" data-state="waiting"`).FindStringSubmatch(seat.page("/seat"))
		if m != nil {
			id = m[1]
		}
		return m != nil
	})
	page := seat.page("/seat")
	if !strings.Contains(page, "1号自助办税终端") || !strings.Contains(page, "增值税申报") {
		t.Fatalf("the seat's page lacks the kiosk or the service:\n%s", page)
	}
	tok := csrfField.FindStringSubmatch(page)[1]
	seat.post("/seat/accept", url.Values{"csrf": {tok}, "back": {"/seat"}, "id": {id}})
	deadline := time.Now().Add(15 * time.Second)
	for {
		e := k.event(time.Until(deadline))
		if _, ok := e.(desk.HelpAccepted); ok {
			break
		}
	}
	k.waitFor("the tower light off", func() bool { return k.demo.TowerLight() == gpio.TowerOff })
}
