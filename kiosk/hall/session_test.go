package hall_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// clock is an injected clock tests move by hand.
type clock struct {
	now   time.Time
	reads int
}

func (c *clock) Now() time.Time      { return c.now }
func (c *clock) Add(d time.Duration) { c.now = c.now.Add(d) }
func (c *clock) opts() *hall.Opts    { return &hall.Opts{Now: c.Now} }

// session is a new card session read now: each a millisecond after the one before, as a
// kiosk reads one card after another.
func (c *clock) session() *hallapi.Session {
	c.reads++
	s := session(c.now.Add(time.Duration(c.reads) * time.Millisecond))
	return &s
}

func kinds(as []hall.Alarm) (ks []string) {
	for _, a := range as {
		ks = append(ks, a.Kind)
	}
	return ks
}

// ask posts a lookup; sess nil sends none.
func ask(srv *hall.Server, id string, sess *hallapi.Session) (int, string) {
	b, _ := json.Marshal(hallapi.LookupRequest{IDNumber: id, Session: sess})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathLookup, strings.NewReader(string(b))))
	var eb hallapi.ErrorBody
	json.Unmarshal(rec.Body.Bytes(), &eb)
	return rec.Code, eb.Code
}

// TestLookupBoundToSession replays the review's attack: with no card on its reader, a kiosk
// certificate could look up any ID number. A lookup must now name a current card session,
// and is rate-limited per kiosk and per person; each refusal raises one alarm.
func TestLookupBoundToSession(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	store := newMem()
	srv := hall.New(store, c.opts())
	now := c.session

	if code, e := ask(srv, idZhang, nil); code != 400 || e != hallapi.CodeNoSession {
		t.Errorf("lookup without a session: %d %s", code, e)
	}
	noSAM := hallapi.Session{CardReadAt: c.now}
	if code, e := ask(srv, idZhang, &noSAM); code != 400 || e != hallapi.CodeNoSession {
		t.Errorf("lookup without a SAM id: %d %s", code, e)
	}
	first := now()
	if code, _ := ask(srv, idZhang, first); code != 200 {
		t.Fatalf("lookup in a session: %d", code)
	}
	if code, _ := ask(srv, idZhang, first); code != 200 {
		t.Fatalf("the same person again in the same session: %d", code)
	}
	if code, e := ask(srv, idMa, first); code != 400 || e != hallapi.CodeNoSession {
		t.Errorf("another person in the same card session: %d %s", code, e)
	}
	c.Add(time.Minute)
	if code, _ := ask(srv, idMa, now()); code != 200 {
		t.Fatalf("another person in a new session: %d", code)
	}
	old := session(first.CardReadAt.Add(time.Second))
	if code, e := ask(srv, idLi, &old); code != 400 || e != hallapi.CodeNoSession {
		t.Errorf("a session older than the kiosk's latest (a replay): %d %s", code, e)
	}
	// Per person: ten an hour, from any kiosk (two so far).
	for i := 2; i < 10; i++ {
		c.Add(time.Minute)
		if code, _ := ask(srv, idZhang, now()); code != 200 {
			t.Fatalf("lookup %d of one person: %d", i+1, code)
		}
	}
	c.Add(time.Minute)
	if code, e := ask(srv, idZhang, now()); code != 429 || e != hallapi.CodeRateLimited {
		t.Errorf("eleventh lookup of one person within the hour: %d %s", code, e)
	}
	c.Add(time.Hour)
	if code, _ := ask(srv, idZhang, now()); code != 200 {
		t.Errorf("lookup an hour later: %d", code)
	}

	// Per kiosk: twelve a minute. Distinct people, so that only the kiosk's limit applies.
	c.Add(2 * time.Minute)
	for i := 0; i < 12; i++ {
		if code, _ := ask(srv, fmt.Sprintf("11010119900101%04d", i), now()); code != 200 {
			t.Fatalf("lookup %d within a minute: %d", i+1, code)
		}
	}
	if code, e := ask(srv, "110101199001019999", now()); code != 429 || e != hallapi.CodeRateLimited {
		t.Errorf("thirteenth lookup within a minute: %d %s", code, e)
	}
	as, _ := store.Alarms(context.Background())
	// Three refusals without a session raise one alarm (once per hour); the person's limit
	// and, over an hour later, the kiosk's raise one each.
	if got := strings.Join(kinds(as), " "); got != "no_session rate_limited rate_limited" {
		t.Errorf("alarms %q, want no_session rate_limited rate_limited", got)
	}
	for _, a := range as {
		if strings.Contains(a.Detail, "1101011990") || strings.Contains(a.Detail, idZhang) {
			t.Errorf("alarm names an ID number: %+v", a)
		}
	}
}

// TestLookupAlarms: one kiosk asking about many people, or asking and then doing nothing for
// them, raises an alarm for the hall's staff; lookups followed by a transaction do not.
func TestLookupAlarms(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	store := newMem()
	srv := hall.New(store, c.opts())
	now := c.session
	// Ten people served properly: a lookup, then a transaction of theirs.
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("41040319680415%04d", i)
		if code, _ := ask(srv, id, now()); code != 200 {
			t.Fatalf("lookup: %d", code)
		}
		body := fmt.Sprintf(`{"kiosk_id":"192.0.2.1","txns":[{"id":"h%d","seq":%d,"kind":"help_request","taxpayer":{"name":"测试","id_number":%q},"body":{}}]}`, i, i+1, id)
		if rec, _ := post(t, srv, body); rec.Code != 200 {
			t.Fatalf("batch: %d", rec.Code)
		}
		c.Add(10 * time.Second)
	}
	c.Add(2 * time.Hour)
	ask(srv, "410403196804150000", now()) // sweeps: nothing was idle
	if as, _ := store.Alarms(context.Background()); len(as) != 0 {
		t.Fatalf("alarms for lookups followed by transactions: %+v", as)
	}
	// Thirty-one people looked up, nothing done for any of them.
	for i := 0; i < 31; i++ {
		ask(srv, fmt.Sprintf("11010119900101%04d", i), now())
		c.Add(6 * time.Second)
	}
	c.Add(time.Hour)
	ask(srv, "110101199001019999", now())
	as, _ := store.Alarms(context.Background())
	if got := strings.Join(kinds(as), " "); got != "many_people idle_lookups" {
		t.Errorf("alarms %q, want many_people then idle_lookups: %+v", got, as)
	}
}

// TestCounterCallNotForKiosks: a kiosk certificate could call the counters' queue. A kiosk
// still takes tickets; calling one is refused to any kiosk certificate (and raises an
// alarm), and is open only on the counters' own handler.
func TestCounterCallNotForKiosks(t *testing.T) {
	cs, _ := kioskTLS(t, "K001")
	store := newMem()
	srv := hall.New(store, &hall.Opts{RequireKiosk: true})
	serve := func(path string) (int, string) {
		req := httptest.NewRequest("POST", path, strings.NewReader(`{"business":"invoice"}`))
		req.TLS = cs
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := serve(hallapi.PathQueue); code != 200 || !strings.Contains(body, `"B001"`) {
		t.Fatalf("kiosk takes a ticket: %d %s", code, body)
	}
	if code, body := serve(hallapi.PathQueueCall); code != 403 || !strings.Contains(body, hallapi.CodeStaffOnly) {
		t.Fatalf("kiosk calls a ticket: %d %s", code, body)
	}
	as, _ := store.Alarms(context.Background())
	if len(as) != 1 || as[0].Kind != hall.AlarmCounterCall || as[0].KioskID != "K001" {
		t.Fatalf("alarms %+v", as)
	}
	rec := httptest.NewRecorder()
	srv.Counter().ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathQueueCall, strings.NewReader(`{"business":"invoice"}`)))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"B001"`) {
		t.Fatalf("counter calls: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	srv.Counter().ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathLookup, strings.NewReader(`{}`)))
	if rec.Code != 404 {
		t.Fatalf("the counters' handler answers lookups: %d", rec.Code)
	}
}

// TestPaymentNeedsSession: a kiosk certificate could pay an enterprise's tax for a claimed ID
// number with no card read. A payment's body must name the card session it was made in.
func TestPaymentNeedsSession(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	pay := `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP"],"total":"150.00"}`
	for _, c := range []struct {
		name string
		body string
		code string
	}{
		{"no session", pay, hallapi.ResultNoSession},
		{"card read two hours before", string(withSession(pay, at.Add(-2*time.Hour))), hallapi.ResultNoSession},
		{"in the session", string(withSession(pay, at.Add(-3*time.Minute))), hallapi.ResultPaid},
	} {
		tx := txn.Txn{ID: "p", Kind: txn.KindTaxPayment, CreatedAt: at, Taxpayer: &txn.Taxpayer{Name: "Smith", IDNumber: idSmith}, Body: json.RawMessage(c.body)}
		if r, _ := hall.Decide(tx, at); r.Code != c.code {
			t.Errorf("%s: %+v, want %s", c.name, r, c.code)
		}
	}
}

// TestLookupKioskClockDrift: card read times are the kiosk's clock; a kiosk days behind the
// hall is served, and only its own order of sessions counts.
func TestLookupKioskClockDrift(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	srv := hall.New(newMem(), c.opts())
	behind := session(time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC))
	if code, _ := ask(srv, idZhang, &behind); code != 200 {
		t.Fatalf("a kiosk four days behind: %d", code)
	}
}

// TestPaymentInAnotherPersonsSession: a card session a lookup showed to be one person's
// cannot carry another person's payment.
func TestPaymentInAnotherPersonsSession(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	srv := hall.New(newMem(), c.opts())
	sess := c.session()
	if code, _ := ask(srv, idZhang, sess); code != 200 {
		t.Fatalf("lookup: %d", code)
	}
	pay := `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP"],"total":"150.00"}`
	batch := func(id, who string) txn.Result {
		t.Helper()
		body, _ := json.Marshal(hallapi.Batch{KioskID: "192.0.2.1", Txns: []txn.Txn{{ID: id, Seq: 1, Kind: txn.KindTaxPayment, CreatedAt: c.now,
			Taxpayer: &txn.Taxpayer{Name: "Smith", IDNumber: who}, Body: withSession(pay, sess.CardReadAt)}}})
		rec, resp := post(t, srv, string(body))
		if rec.Code != 200 || len(resp.Results) != 1 {
			t.Fatalf("batch: %d %+v", rec.Code, resp)
		}
		return resp.Results[0].Result
	}
	if r := batch("p1", idSmith); r.Code != hallapi.ResultNoSession {
		t.Fatalf("payment for Smith in Zhang's session: %+v", r)
	}
}
