package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
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

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
)

// startHallOnPG serves a hall as `hall serve --db DSN --db-schema S --tls CERTS
// --staff-listen` does, with data's key; two of them on one schema are two halls of one
// hall database.
func startHallOnPG(t *testing.T, data, certDir, dsn, schema string) *hallUnderTest {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	store, err := openStore(ctx, data, dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := certs.ServerConfig(certDir)
	if err != nil {
		t.Fatal(err)
	}
	so := serveOpts{addr: "127.0.0.1:0", tls: cfg, conns: 64, perSource: 64, staffAddr: "127.0.0.1:0", busDSN: dsn, busSchema: schema, silent: 5 * time.Minute}
	if so.staffTLS, err = certs.StaffConfig(certDir, nil); err != nil {
		t.Fatal(err)
	}
	if so.staff, err = openStaff(ctx, data, dsn, schema); err != nil {
		t.Fatal(err)
	}
	if so.displayToken, err = displayToken(data); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, store, registry.Demo(), so, pw, io.Discard); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		so.staff.Close()
		store.Close()
	})
	h := &hallUnderTest{certDir: certDir}
	sc := bufio.NewScanner(pr)
	for h.api == "" || h.staff == "" {
		if !sc.Scan() {
			t.Fatal("serve stopped before listening")
		}
		if u, ok := strings.CutPrefix(sc.Text(), "hall: serving on "); ok {
			h.api = u
		} else if u, ok := strings.CutPrefix(sc.Text(), "hall: staff pages on "); ok {
			h.staff = strings.TrimSuffix(u, "/")
		}
	}
	go io.Copy(io.Discard, pr)
	kcfg, key, err := certs.ClientConfig(certDir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	h.kioskTLS = kcfg
	h.kiosk = &hallapi.Client{BaseURL: h.api, HTTP: &http.Client{Transport: &http.Transport{TLSClientConfig: kcfg}, Timeout: 10 * time.Second}, SigningKey: key}
	return h
}

// staffBrowser is a staff member's HTTP client, logged in on one hall's staff pages.
type staffBrowser struct {
	base string
	c    *http.Client
	csrf string
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func staffLogin(t *testing.T, h *hallUnderTest, name string) *staffBrowser {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(h.certDir, certs.StaffCACert))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b := &staffBrowser{base: h.staff, c: c}
	page := b.get(t, "/login")
	m := csrfInPage.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("login page without CSRF")
	}
	resp, err := c.PostForm(b.base+"/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {staffPassword}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %v %v", name, resp, err)
	}
	resp.Body.Close()
	if m = csrfInPage.FindStringSubmatch(b.get(t, "/seat")); m == nil {
		t.Fatal("seat page without CSRF")
	}
	b.csrf = m[1]
	return b
}

func (b *staffBrowser) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// events opens the page's live-update stream and returns the topics it names, as they come.
func (b *staffBrowser) events(t *testing.T, page string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/events?page="+url.QueryEscape(page), nil)
	resp, err := b.c.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("event stream: %v %v", resp, err)
	}
	topics := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if topic, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				topics <- topic
			}
		}
	}()
	return topics
}

func within(t *testing.T, ch <-chan string, want, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-ch:
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no %q event within 10 s", what, want)
		}
	}
}

// TestTwoHallsOnePostgres: two halls serve one PostgreSQL (one key, one certificate
// authority, one staff). A help call a kiosk sends to hall A appears at once on hall B's
// seat page, and when a seat accepts it on hall A, hall B's page hears of it at once and
// shows it accepted: the bus is PostgreSQL's LISTEN/NOTIFY.
func TestTwoHallsOnePostgres(t *testing.T) {
	dsn := os.Getenv("HALL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("HALL_TEST_POSTGRES not set: two halls on one PostgreSQL not tested")
	}
	schema := fmt.Sprintf("twohalls_%d", os.Getpid())
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	dir := t.TempDir()
	certDir, dataA, dataB := filepath.Join(dir, "certs"), filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := certs.Init(certDir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(certDir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dataA, dataB} {
		os.MkdirAll(d, 0o700)
	}
	if _, err := seal.LoadOrCreateKey(filepath.Join(dataA, "hall.key")); err != nil {
		t.Fatal(err)
	}
	key, _ := os.ReadFile(filepath.Join(dataA, "hall.key"))
	if err := os.WriteFile(filepath.Join(dataB, "hall.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"add", "王芳", "--role", "seat", "--data", dataA, "--db", dsn, "--db-schema", schema},
		{"add", "赵敏", "--role", "seat", "--data", dataA, "--db", dsn, "--db-schema", schema},
	} {
		if err := staffCmd(args, strings.NewReader(staffPassword+"\n"), io.Discard, io.Discard); err != nil {
			t.Fatalf("hall staff %v: %v", args, err)
		}
	}
	a := startHallOnPG(t, dataA, certDir, dsn, schema)
	b := startHallOnPG(t, dataB, certDir, dsn, schema)
	seatA, seatB := staffLogin(t, a, "王芳"), staffLogin(t, b, "赵敏")
	onB := seatB.events(t, "/seat")
	a.pressHelp(t, "help-1", 1)
	within(t, onB, "help", "the call sent to hall A, on hall B's page")
	if live := seatB.get(t, "/seat?fragment=live"); !regexp.MustCompile(`data-id="K001/help-1"[^>]*data-state="?waiting`).MatchString(live) {
		t.Fatalf("hall B's seat page without the call:\n%s", live)
	}
	resp, err := seatA.c.PostForm(a.staff+"/seat/accept", url.Values{"csrf": {seatA.csrf}, "back": {"/seat"}, "id": {"K001/help-1"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "staff.msg.done") {
		t.Fatalf("accept on hall A: %v %v", resp, err)
	}
	resp.Body.Close()
	within(t, onB, "help", "the accept on hall A, on hall B's page")
	if live := seatB.get(t, "/seat?fragment=live"); !regexp.MustCompile(`data-id="K001/help-1"[^>]*data-state="?accepted`).MatchString(live) {
		t.Fatalf("hall B's seat page does not show the call accepted:\n%s", live)
	}
	// The kiosk, asking hall B, learns the call was accepted on A.
	if st, err := b.kiosk.Help(context.Background(), "K001"); err != nil || st.State != hallapi.HelpAccepted {
		t.Fatalf("the kiosk asking hall B: %+v %v", st, err)
	}
}
