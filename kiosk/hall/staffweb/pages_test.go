package staffweb

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// The card holder of the fixture's help calls: neither the name nor the ID number may
// appear on any page.
var holder = txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident"}

func hallPages(a *App) {
	RegisterSeat(a)
	RegisterCounters(a)
}

// helpCall makes the kiosk's help request arrive as the hall passes it on.
func (f *fixture) helpCall(t *testing.T, kiosk, id string, body hallapi.HelpBody, tp *txn.Taxpayer) {
	t.Helper()
	b, _ := json.Marshal(body)
	tx := txn.Txn{ID: id, KioskID: kiosk, Kind: txn.KindHelpRequest, CreatedAt: f.clock.Now(), Taxpayer: tp, Body: b}
	if err := f.app.Link().HelpCalled(context.Background(), kiosk, tx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestEveryPageAndActionAsEveryRole(t *testing.T) {
	f := newFixture(t, hallPages)
	pages := map[string][]staff.Role{
		"/seat":    {staff.RoleSeat, staff.RoleDuty, staff.RoleAdmin},
		"/counter": {staff.RoleCounter, staff.RoleAdmin},
	}
	actions := map[string][]staff.Role{
		"/seat/accept":    {staff.RoleSeat, staff.RoleAdmin},
		"/seat/resolve":   {staff.RoleSeat, staff.RoleAdmin},
		"/counter/call":   {staff.RoleCounter, staff.RoleAdmin},
		"/counter/recall": {staff.RoleCounter, staff.RoleAdmin},
		"/counter/skip":   {staff.RoleCounter, staff.RoleAdmin},
	}
	allowed := func(roles []staff.Role, r staff.Role) bool {
		for _, x := range roles {
			if x == r {
				return true
			}
		}
		return false
	}
	nobody := f.client(t)
	for path := range pages {
		if status, _ := f.get(t, nobody, path); status != http.StatusSeeOther {
			t.Errorf("nobody GET %s: %d", path, status)
		}
	}
	for path := range actions {
		if status, _ := f.post(t, nobody, path, url.Values{"csrf": {"x"}}); status != http.StatusUnauthorized {
			t.Errorf("nobody POST %s: %d", path, status)
		}
	}
	for role, name := range roleAccounts {
		c := f.login(t, name)
		tok := seatToken(t, f, c)
		for path, roles := range pages {
			want := http.StatusForbidden
			if allowed(roles, role) {
				want = http.StatusOK
			}
			if status, _ := f.get(t, c, path); status != want {
				t.Errorf("%s GET %s: %d, want %d", role, path, status, want)
			}
		}
		for path, roles := range actions {
			status, loc := f.post(t, c, path, url.Values{"csrf": {tok}, "back": {"/"}, "business": {"filing"}, "id": {"none"}, "number": {"A999"}})
			if allowed(roles, role) {
				// Allowed, and refused for what it names (nothing waits, no such call):
				// answered with a message, not a 403.
				if status != http.StatusSeeOther || !strings.Contains(loc, "msg=staff.err") {
					t.Errorf("%s POST %s: %d %q", role, path, status, loc)
				}
			} else if status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", role, path, status)
			}
		}
	}
	// The display needs no login, only its URL's secret.
	if status, _ := f.get(t, nobody, "/display/display-secret"); status != http.StatusOK {
		t.Errorf("display: %d", status)
	}
	for _, path := range []string{"/display/wrong", "/display/", "/events?page=/display/wrong"} {
		if status, _ := f.get(t, nobody, path); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
}

func TestSeatAcceptsAndResolves(t *testing.T) {
	f := newFixture(t, hallPages)
	ctx := context.Background()
	f.store.PutKiosk(ctx, staff.Kiosk{ID: "K1", Name: "1号自助终端", Place: "自助办税区东侧"})
	tp := holder
	f.helpCall(t, "K1", "h1", hallapi.HelpBody{Source: "screen", Screen: "confirm", LastError: "vat.amount_invalid"}, &tp)
	f.clock.Add(2 * time.Minute)
	f.helpCall(t, "K2", "h1", hallapi.HelpBody{Source: "button"}, nil)
	f.helpCall(t, "K1", "h1", hallapi.HelpBody{Source: "screen"}, &tp) // a resend: no second call
	f.clock.Add(time.Minute)

	seat := f.login(t, "seat1")
	status, body := f.get(t, seat, "/seat")
	if status != http.StatusOK {
		t.Fatalf("seat page: %d", status)
	}
	for _, want := range []string{"欧**", "1号自助终端", "自助办税区东侧", "增值税申报", "申报确认", "3分0秒", "未读卡", "位置未登记"} {
		if !strings.Contains(body, want) {
			t.Errorf("seat page lacks %q", want)
		}
	}
	if i, j := strings.Index(body, `data-id="K1/h1"`), strings.Index(body, `data-id="K2/h1"`); i < 0 || j < 0 || i > j {
		t.Errorf("longest waiting not first: K1 at %d, K2 at %d", i, j)
	}
	if strings.Count(body, `class="call"`) != 2 {
		t.Errorf("want two calls on the page")
	}
	tok := f.csrf(t, seat, "/seat")
	if _, loc := f.post(t, seat, "/seat/accept", url.Values{"csrf": {tok}, "back": {"/seat"}, "id": {"K1/h1"}}); !strings.Contains(loc, "msg=staff.msg.done") {
		t.Fatalf("accept: %q", loc)
	}
	h, err := f.app.Link().HelpState(ctx, "K1")
	if err != nil || h.State != hallapi.HelpAccepted || h.TxnID != "h1" {
		t.Fatalf("kiosk's view after accept: %+v %v", h, err)
	}
	// A second seat cannot take it again.
	f.store.AddAccount(ctx, staff.Account{Name: "seat2", Role: staff.RoleSeat, Hash: f.mustAccount(t, "seat1").Hash})
	seat2 := f.login(t, "seat2")
	if _, loc := f.post(t, seat2, "/seat/accept", url.Values{"csrf": {f.csrf(t, seat2, "/seat")}, "back": {"/seat"}, "id": {"K1/h1"}}); !strings.Contains(loc, "msg=staff.err.state") {
		t.Fatalf("second accept: %q", loc)
	}
	// Nor resolve it: the resolve form is the accepting seat's, and the store refuses others' too.
	f.clock.Add(4 * time.Minute)
	if _, loc := f.post(t, seat, "/seat/resolve", url.Values{"csrf": {tok}, "back": {"/seat"}, "id": {"K1/h1"}, "note": {"指导完成零申报"}}); !strings.Contains(loc, "msg=staff.msg.done") {
		t.Fatalf("resolve: %q", loc)
	}
	_, body = f.get(t, seat, "/seat")
	for _, want := range []string{"指导完成零申报", "今日已办结", `id="fig-calls"><b>2<`, `id="fig-waiting"><b>1<`} {
		if !strings.Contains(body, want) {
			t.Errorf("after resolving, the page lacks %q", want)
		}
	}
	if !f.audited(t, "seat1", "help_accept") || !f.audited(t, "seat1", "help_resolve") || !f.audited(t, "seat2", "help_accept") {
		t.Error("seat actions not audited")
	}
	// English.
	en := f.login(t, "seat1")
	f.get(t, en, "/seat?lang=en")
	if _, body := f.get(t, en, "/seat"); !strings.Contains(body, "Expert seat") || !strings.Contains(body, "VAT return") {
		t.Error("English seat page")
	}
}

func (f *fixture) mustAccount(t *testing.T, name string) staff.Account {
	a, err := f.store.Account(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCountersCallAndTheDisplayShows(t *testing.T) {
	f := newFixture(t, hallPages)
	ctx := context.Background()
	link := f.app.Link()
	for i, want := range []string{"A001", "A002", "A003"} {
		tk, err := link.Take(ctx, hallapi.BusinessFiling, f.clock.Now())
		if err != nil || tk.Number != want || tk.Waiting != i {
			t.Fatalf("kiosk's ticket %d: %+v %v", i, tk, err)
		}
	}
	clerk := f.login(t, "counter1")
	tok := f.csrf(t, clerk, "/counter")
	if _, loc := f.post(t, clerk, "/counter/call", url.Values{"csrf": {tok}, "back": {"/counter"}, "business": {"filing"}}); !strings.Contains(loc, "msg=staff.msg.done") {
		t.Fatalf("call: %q", loc)
	}
	_, page := f.get(t, clerk, "/counter")
	if !strings.Contains(page, `id="current">A001<`) || !strings.Contains(page, "等候 2 人") {
		t.Fatalf("counter page after the call:\n%s", page)
	}
	_, display := f.get(t, f.client(t), "/display/display-secret")
	if !strings.Contains(display, "请 A001 号到 3 号窗口") || !strings.Contains(display, "申报纳税：等候 2 人") {
		t.Fatalf("display:\n%s", display)
	}
	// A kiosk's next ticket counts the same waiting tickets.
	if tk, _ := link.Take(ctx, hallapi.BusinessFiling, f.clock.Now()); tk.Number != "A004" || tk.Waiting != 2 {
		t.Fatalf("ticket after a call: %+v", tk)
	}
	f.clock.Add(time.Minute)
	f.post(t, clerk, "/counter/call", url.Values{"csrf": {tok}, "back": {"/counter"}, "business": {"filing"}})
	f.clock.Add(time.Minute)
	if _, loc := f.post(t, clerk, "/counter/recall", url.Values{"csrf": {tok}, "back": {"/counter"}, "number": {"A001"}}); !strings.Contains(loc, "msg=staff.msg.done") {
		t.Fatalf("recall of A001: %q", loc)
	}
	_, display = f.get(t, f.client(t), "/display/display-secret?fragment=live")
	if i, j := strings.Index(display, "A001"), strings.Index(display, "A002"); i < 0 || j < 0 || i > j {
		t.Fatalf("a recalled ticket is not the latest call:\n%s", display)
	}
	if _, loc := f.post(t, clerk, "/counter/skip", url.Values{"csrf": {tok}, "back": {"/counter"}, "number": {"A002"}}); !strings.Contains(loc, "msg=staff.msg.done") {
		t.Fatalf("skip: %q", loc)
	}
	if _, display = f.get(t, f.client(t), "/display/display-secret"); strings.Contains(display, "A002") {
		t.Fatal("a skipped ticket is still on the display")
	}
	if !f.audited(t, "counter1", "queue_call") || !f.audited(t, "counter1", "queue_recall") || !f.audited(t, "counter1", "queue_skip") {
		t.Fatal("counter actions not audited")
	}
	// The hall's counter API (hall serve --counters) calls from the same queue.
	if tk, err := link.Call(ctx, hallapi.BusinessFiling, f.clock.Now()); err != nil || tk.Number != "A003" || tk.Waiting != 1 {
		t.Fatalf("counter API call: %+v %v", tk, err)
	}
}

// TestNoPageCarriesAnUnmaskedID renders every page and fragment, in both languages, as
// the admin (who sees all) with help calls of a card holder, and looks for the holder's ID
// number and full name.
func TestNoPageCarriesAnUnmaskedID(t *testing.T) {
	f := newFixture(t, hallPages)
	tp := holder
	f.helpCall(t, "K1", "h1", hallapi.HelpBody{Source: "screen", Screen: "pay_items"}, &tp)
	f.helpCall(t, "K1", "h2", hallapi.HelpBody{Source: "button"}, &tp)
	staff.Accept(context.Background(), f.store, "K1/h2", "seat1", f.clock.Now())
	f.app.Link().Take(context.Background(), hallapi.BusinessInvoice, f.clock.Now())
	admin := f.login(t, "admin1")
	for _, lang := range []string{"zh", "en"} {
		f.get(t, admin, "/seat?lang="+lang)
		for _, path := range []string{"/seat", "/seat?fragment=live", "/counter", "/counter?fragment=live", "/display/display-secret", "/display/display-secret?fragment=live"} {
			status, body := f.get(t, admin, path)
			if status != http.StatusOK {
				t.Errorf("%s: %d", path, status)
			}
			for _, secret := range []string{holder.IDNumber, holder.Name, "410402"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s (%s) shows %q", path, lang, secret)
				}
			}
		}
	}
	log, _ := f.store.AuditLog(context.Background(), 100)
	for _, e := range log {
		if strings.Contains(e.Detail, holder.IDNumber) || strings.Contains(e.Detail, holder.Name) {
			t.Errorf("audit entry %+v holds personal data", e)
		}
	}
}
