package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staffweb/browsertest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// hallUnderTest is `hall serve --tls --staff-listen` running on loopback, with a test
// kiosk's certificate and staff accounts made by `hall staff add`.
type hallUnderTest struct {
	api, staff, display string // base URLs
	kiosk               *hallapi.Client
	kioskTLS            *tls.Config
	certDir             string
}

const staffPassword = "correct horse battery"

func startHall(t *testing.T) *hallUnderTest {
	t.Helper()
	dir := t.TempDir()
	data, certDir := filepath.Join(dir, "data"), filepath.Join(dir, "certs")
	if err := certs.Init(certDir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(certDir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"add", "王芳", "--role", "seat", "--data", data},
		{"add", "李强", "--role", "counter", "--counter", "3", "--data", data},
		{"kiosk", "K001", "--name", "1号自助终端", "--place", "自助办税区东侧", "--data", data},
	} {
		var out bytes.Buffer
		if err := staffCmd(args, strings.NewReader(staffPassword+"\n"), &out, io.Discard); err != nil {
			t.Fatalf("hall staff %v: %v", args, err)
		}
	}
	// serve as `hall serve` runs it, with a context the test ends.
	ctx, cancel := context.WithCancel(context.Background())
	store, err := openStore(ctx, data, "", "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := certs.ServerConfig(certDir)
	if err != nil {
		t.Fatal(err)
	}
	so := serveOpts{addr: "127.0.0.1:0", tls: cfg, conns: 64, perSource: 64, staffAddr: "127.0.0.1:0"}
	if so.staffTLS, err = certs.StaffConfig(certDir, nil); err != nil {
		t.Fatal(err)
	}
	if so.staff, err = openStaff(ctx, data, "", ""); err != nil {
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
	for h.api == "" || h.staff == "" || h.display == "" {
		if !sc.Scan() {
			t.Fatal("serve stopped before listening")
		}
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "hall: serving on "); ok {
			h.api = u
		} else if u, ok := strings.CutPrefix(line, "hall: staff pages on "); ok {
			h.staff = strings.TrimSuffix(u, "/")
		} else if u, ok := strings.CutPrefix(line, "hall: hall display on "); ok {
			h.display = u
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

// pressHelp sends the kiosk's help request, as its outbox would, with a card holder.
func (h *hallUnderTest) pressHelp(t *testing.T, id string, seq uint64) {
	t.Helper()
	body, _ := json.Marshal(hallapi.HelpBody{Source: "screen", Session: true, Screen: "confirm", LastError: "error.unexpected"})
	tp := txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident"}
	b := hallapi.Batch{KioskID: "K001", Txns: []txn.Txn{{ID: id, Seq: seq, KioskID: "K001", Kind: txn.KindHelpRequest, CreatedAt: time.Now().UTC(), Taxpayer: &tp, Body: body}}}
	resp, err := h.kiosk.SendBatch(context.Background(), b)
	if err != nil || len(resp.Accepted) != 1 {
		t.Fatalf("help request: %+v %v", resp, err)
	}
}

// TestKioskCertificateCannotCallTickets: calling a ticket is a staff operation. A kiosk's
// certificate is refused on the kiosks' API, and on the staff listener it opens nothing:
// without a staff session the call is refused.
func TestKioskCertificateCannotCallTickets(t *testing.T) {
	h := startHall(t)
	ctx := context.Background()
	if _, err := h.kiosk.TakeTicket(ctx, hallapi.BusinessFiling); err != nil {
		t.Fatal(err)
	}
	var he *hallapi.Error
	if _, err := h.kiosk.CallTicket(ctx, hallapi.BusinessFiling); !errors.As(err, &he) || he.Status != http.StatusForbidden {
		t.Fatalf("kiosk calling on the API: %v", err)
	}
	// The kiosk presents its certificate and trusts the staff pages' CA.
	staffCA, err := os.ReadFile(filepath.Join(h.certDir, certs.StaffCACert))
	if err != nil {
		t.Fatal(err)
	}
	kcfg := h.kioskTLS.Clone()
	kcfg.RootCAs = x509.NewCertPool()
	kcfg.RootCAs.AppendCertsFromPEM(staffCA)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: kcfg}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(h.staff+"/counter/call", url.Values{"business": {"filing"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("kiosk certificate on the staff listener: %d", resp.StatusCode)
	}
	// The ticket still waits: nobody called it.
	if tk, err := h.kiosk.TakeTicket(ctx, hallapi.BusinessFiling); err != nil || tk.Number != "A002" || tk.Waiting != 1 {
		t.Fatalf("second ticket: %+v %v", tk, err)
	}
}

// TestStaffInBrowser walks the expert seat and a counter through a real Chromium against
// the real hall, with a kiosk talking to the hall over mutual TLS, and keeps screenshots of
// each page in both languages (STAFF_SHOTS).
func TestStaffInBrowser(t *testing.T) {
	h := startHall(t)
	pair, err := tls.LoadX509KeyPair(filepath.Join(h.certDir, certs.StaffCert), filepath.Join(h.certDir, certs.StaffKey))
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, pair.Leaf)
	shots := browsertest.ShotsDir(t)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(wctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	login := func(name string) {
		do("log in as "+name,
			chromedp.Navigate(h.staff+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), staffPassword),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form.logout`)))
	}

	// The expert seat: the call appears without a reload, is accepted, and the kiosk sees it.
	login("王芳")
	do("seat page", chromedp.Navigate(h.staff+"/seat"), chromedp.WaitVisible(chromedp.CSS(`body[data-connected]`)), chromedp.WaitVisible(chromedp.CSS(`p.empty`)))
	browsertest.Shot(t, ctx, shots, "seat-empty-zh", browsertest.DeskW, browsertest.DeskH)
	h.pressHelp(t, "help-1", 1)
	do("the call appears", chromedp.WaitVisible(chromedp.CSS(`tr.call[data-id="K001/help-1"][data-state=waiting]`)))
	if st, err := h.kiosk.Help(context.Background(), "K001"); err != nil || st.State != hallapi.HelpWaiting || st.TxnID != "help-1" {
		t.Fatalf("kiosk's view before the accept: %+v %v", st, err)
	}
	row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr.call[data-id="K001/help-1"]`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1号自助终端", "自助办税区东侧", "增值税申报", "申报确认", "欧**"} {
		if !strings.Contains(row, want) {
			t.Errorf("the call's row lacks %q: %q", want, row)
		}
	}
	if strings.Contains(row, "41040219800101123X") || strings.Contains(row, "欧阳娜娜") {
		t.Fatalf("the call's row shows personal data: %q", row)
	}
	browsertest.Shot(t, ctx, shots, "seat-call-zh", browsertest.DeskW, browsertest.DeskH)
	browsertest.Shot(t, ctx, shots, "seat-call-phone-zh", browsertest.PhoneW, browsertest.PhoneH)
	do("accept", chromedp.Click(chromedp.CSS(`tr.call[data-id="K001/help-1"] button.accept`)),
		chromedp.WaitVisible(chromedp.CSS(`tr.call[data-id="K001/help-1"][data-state=accepted]`)))
	if st, err := h.kiosk.Help(context.Background(), "K001"); err != nil || st.State != hallapi.HelpAccepted {
		t.Fatalf("kiosk's view after the accept: %+v %v", st, err)
	}
	browsertest.Shot(t, ctx, shots, "seat-accepted-zh", browsertest.DeskW, browsertest.DeskH)
	// A second call arrives while the seat types the note: the page refreshes, the note stays.
	do("type a note", chromedp.SendKeys(chromedp.CSS(`tr.call[data-id="K001/help-1"] input[name=note]`), "已指导完成申报"))
	h.pressHelp(t, "help-2", 2)
	do("the second call appears", chromedp.WaitVisible(chromedp.CSS(`tr.call[data-id="K001/help-2"]`)))
	note, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`tr.call[data-id="K001/help-1"] input[name=note]`)))
	if err != nil || note != "已指导完成申报" {
		t.Fatalf("the note after a refresh: %q %v", note, err)
	}
	do("resolve", chromedp.Click(chromedp.CSS(`tr.call[data-id="K001/help-1"] button.resolve`)),
		chromedp.WaitVisible(chromedp.CSS(`table.resolved`)))
	do("English seat", chromedp.Navigate(h.staff+"/seat?lang=en"), chromedp.WaitVisible(chromedp.CSS(`tr.call[data-id="K001/help-2"]`)))
	browsertest.Shot(t, ctx, shots, "seat-en", browsertest.DeskW, browsertest.DeskH)
	do("log out", chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)))
	browsertest.Shot(t, ctx, shots, "login-en", browsertest.DeskW, browsertest.DeskH)

	// A counter calls a ticket; the hall display, open in another tab, shows it.
	for range 3 {
		if _, err := h.kiosk.TakeTicket(context.Background(), hallapi.BusinessFiling); err != nil {
			t.Fatal(err)
		}
	}
	display := browsertest.Tab(t, ctx)
	if err := chromedp.Do(display, chromedp.Navigate(h.display+"?lang=zh"), chromedp.WaitVisible(chromedp.CSS(`body[data-connected]`))); err != nil {
		t.Fatalf("display: %v", err)
	}
	browsertest.Shot(t, display, shots, "display-before-zh", 1920, 1080)
	login("李强")
	do("counter page", chromedp.Navigate(h.staff+"/counter"), chromedp.WaitVisible(chromedp.CSS(`form[data-business=filing] button.call`)))
	// Before the call #current says 尚未叫号 (class empty): wait for the called number's.
	do("call", chromedp.Click(chromedp.CSS(`form[data-business=filing] button.call`)), chromedp.WaitVisible(chromedp.CSS(`p.current#current`)))
	if cur, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#current`))); cur != "A001" {
		t.Fatalf("counter shows %q", cur)
	}
	browsertest.Shot(t, ctx, shots, "counter-zh", browsertest.DeskW, browsertest.DeskH)
	browsertest.Shot(t, ctx, shots, "counter-phone-zh", browsertest.PhoneW, browsertest.PhoneH)
	wctx, cancel := context.WithTimeout(display, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(`ol.calls li[data-number=A001]`))); err != nil {
		t.Fatalf("the display never showed A001: %v", err)
	}
	first, _ := chromedp.Run(display, chromedp.Text(chromedp.CSS(`ol.calls li`)))
	if first != "请 A001 号到 3 号窗口" {
		t.Fatalf("display shows %q", first)
	}
	browsertest.Shot(t, display, shots, "display-zh", 1920, 1080)
	do("English counter", chromedp.Navigate(h.staff+"/counter?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#current`)))
	browsertest.Shot(t, ctx, shots, "counter-en", browsertest.DeskW, browsertest.DeskH)
	if err := chromedp.Do(display, chromedp.Navigate(h.display+"?lang=en"), chromedp.WaitVisible(chromedp.CSS(`ol.calls li[data-number=A001]`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Shot(t, display, shots, "display-en", 1920, 1080)
	// The kiosk's next ticket counts the two still waiting ahead.
	if tk, err := h.kiosk.TakeTicket(context.Background(), hallapi.BusinessFiling); err != nil || tk.Waiting != 2 {
		t.Fatalf("ticket after the call: %+v %v", tk, err)
	}
}

// TestStaffCommands: `hall staff add` takes the password from stdin only and stores its
// hash; bad roles, counters and short passwords are refused; list shows no hash.
func TestStaffCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, c := range []struct {
		args    []string
		stdin   string
		wantErr bool
	}{
		{[]string{"add", "王芳", "--role", "seat", "--data", data}, "correct horse battery\n", false},
		{[]string{"add", "王芳", "--role", "seat", "--data", data}, "correct horse battery\n", true}, // exists
		{[]string{"add", "short", "--role", "seat", "--data", data}, "tooshort\n", true},
		{[]string{"add", "c1", "--role", "counter", "--data", data}, "correct horse battery\n", true}, // no counter number
		{[]string{"add", "c1", "--role", "cashier", "--data", data}, "correct horse battery\n", true},
		{[]string{"add", "c1", "--role", "counter", "--counter", "2", "--data", data}, "correct horse battery", false},
		{[]string{"kiosk", "K001", "--name", "1号机", "--place", "东侧", "--data", data}, "", false},
		{[]string{"frobnicate", "--data", data}, "", true},
	} {
		if err := staffCmd(c.args, strings.NewReader(c.stdin), io.Discard, io.Discard); (err != nil) != c.wantErr {
			t.Errorf("hall staff %v: %v", c.args, err)
		}
	}
	var out bytes.Buffer
	if err := staffCmd([]string{"list", "--data", data}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "王芳") || !strings.Contains(out.String(), "counter") || strings.Contains(out.String(), "argon2") {
		t.Fatalf("list:\n%s", out.String())
	}
	out.Reset()
	if err := staffCmd([]string{"audit", "--data", data}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "account_added 王芳 as seat") {
		t.Fatalf("audit: %v\n%s", err, out.String())
	}
	st, err := openStaff(context.Background(), data, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.Account(context.Background(), "c1")
	if err != nil || a.Counter != 2 || !staff.CheckPassword(a.Hash, "correct horse battery") {
		t.Fatalf("c1 = %+v %v", a, err)
	}
}
