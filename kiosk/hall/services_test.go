package hall_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// The simulator personas' ID numbers (drivers/idcard/idcardsim).
const (
	idZhang = "410403196804153016" // resident-male: 建国五金 (legal rep.), 鹰城建材 (financial officer)
	idMa    = "410403199208182025" // resident-female: 秀兰清真食品店
	idLi    = "410403194906121016" // resident-elderly: 德福家政
	idSmith = "CAN410080052601"    // foreign-permanent: 港鹰国际 (financial officer), 史密斯咨询 (tax agent)
	idEmily = "941840198005200020" // foreign-permanent-2023: no enterprise
)

// hallOnDisk is a real hall: bbolt under t.TempDir, served on loopback.
type hallOnDisk struct {
	t     *testing.T
	path  string
	key   *seal.Key
	store *boltstore.Store
	srv   *httptest.Server
	log   *bytes.Buffer
	now   time.Time
}

func newHallOnDisk(t *testing.T) *hallOnDisk {
	key, err := seal.NewKey(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	h := &hallOnDisk{t: t, path: filepath.Join(t.TempDir(), "hall.db"), key: key, log: &bytes.Buffer{},
		now: time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)}
	h.start()
	t.Cleanup(h.stop)
	return h
}

// start opens the store and serves a new Server over it, as a restarted hall does.
func (h *hallOnDisk) start() {
	s, err := boltstore.Open(h.path, &boltstore.Opts{Key: h.key})
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = s
	log := slog.New(slog.NewTextHandler(h.log, nil))
	h.srv = httptest.NewServer(hall.New(s, &hall.Opts{Log: log, Now: func() time.Time { return h.now }}))
}

func (h *hallOnDisk) stop() {
	if h.srv != nil {
		h.srv.Close()
		h.store.Close()
		h.srv = nil
	}
}

func (h *hallOnDisk) client() *hallapi.Client { return &hallapi.Client{BaseURL: h.srv.URL} }

// testSAM is the SAM id the simulated reader reports.
const testSAM = "05.01-20101104-0015243839-2342323233"

// session is a card session read at at.
func session(at time.Time) hallapi.Session { return hallapi.Session{CardReadAt: at, SAMID: testSAM} }

// withSession adds the card session read at at to a payment body, as the kiosk sends it.
func withSession(body string, at time.Time) json.RawMessage {
	b, _ := json.Marshal(session(at))
	return json.RawMessage(strings.TrimSuffix(body, "}") + `,"session":` + string(b) + `}`)
}

// send posts one transaction as kiosk and returns its result. A payment without a session
// gets one read at the hall's time.
func (h *hallOnDisk) send(kiosk, id string, kind txn.Kind, who string, body string) (txn.Result, bool) {
	h.t.Helper()
	t := txn.Txn{ID: id, KioskID: kiosk, Kind: kind}
	if body != "" {
		t.Body = json.RawMessage(body)
	}
	if kind == txn.KindTaxPayment && strings.HasPrefix(body, "{") && !strings.Contains(body, `"session"`) {
		t.Body = withSession(body, h.now)
	}
	if who != "" {
		t.Taxpayer = &txn.Taxpayer{Name: "测试", IDNumber: who, CardType: "resident"}
	}
	resp, err := h.client().SendBatch(context.Background(), hallapi.Batch{KioskID: kiosk, Txns: []txn.Txn{t}})
	if err != nil || len(resp.Results) != 1 {
		h.t.Fatalf("%s %s: %+v %v", kind, id, resp, err)
	}
	return resp.Results[0].Result, len(resp.Duplicates) == 1
}

func TestLookupAndEnterprise(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	for i, tc := range []struct {
		id    string
		codes []string
	}{
		{idZhang, []string{registry.JianguoHardware, registry.YingchengMaterials}},
		{idMa, []string{registry.XiulanHalalFood}},
		{idLi, []string{registry.DefuHousekeeping}},
		{idSmith, []string{registry.GangyingTrading, registry.SmithConsulting}},
		{idEmily, []string{}},
		{" " + strings.ToLower("81000019870315001x") + " ", []string{}}, // no such person; normalised
	} {
		es, err := c.Lookup(ctx, tc.id, session(h.now.Add(time.Duration(i)*time.Second)))
		if err != nil || es == nil {
			t.Fatalf("lookup: %v", err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.CreditCode)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.codes) {
			t.Errorf("lookup: %v, want %v", got, tc.codes)
		}
	}
	if _, err := c.Lookup(ctx, "", session(h.now)); !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("empty lookup: %v", err)
	}

	e, err := c.Enterprise(ctx, strings.ToLower(registry.GangyingTrading))
	if err != nil || e.Name != "平顶山港鹰国际贸易有限公司" || len(e.Outstanding) != 5 || e.Outstanding[1].Amount.String() != "18452.37" || e.Role != "" {
		t.Fatalf("details: %+v %v", e, err)
	}
	var herr *hallapi.Error
	if _, err := c.Enterprise(ctx, "91350100M000100Y43"); !errors.As(err, &herr) || herr.Code != hallapi.CodeNotFound {
		t.Fatalf("unknown enterprise: %v", err)
	}
	for _, id := range []string{idZhang, idMa, idLi, idSmith} {
		if strings.Contains(h.log.String(), id) {
			t.Fatalf("ID number in the hall's log:\n%s", h.log)
		}
	}
}

func TestQueue(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	step := func(op func(context.Context, string) (hallapi.Ticket, error), business, number string, waiting int) {
		t.Helper()
		tk, err := op(ctx, business)
		if err != nil || tk.Number != number || tk.Waiting != waiting || tk.Business != business {
			t.Fatalf("%s: %+v %v, want %s waiting %d", business, tk, err, number, waiting)
		}
	}
	step(c.TakeTicket, hallapi.BusinessInvoice, "B001", 0)
	step(c.TakeTicket, hallapi.BusinessInvoice, "B002", 1)
	step(c.TakeTicket, hallapi.BusinessFiling, "A001", 0)
	step(c.CallTicket, hallapi.BusinessInvoice, "B001", 1)
	step(c.TakeTicket, hallapi.BusinessInvoice, "B003", 1)
	step(c.CallTicket, hallapi.BusinessConsulting, "", 0)
	// An offline kiosk's ticket gets its number from the hall's queue.
	if r, _ := h.send("K1", "q1", "queue_ticket", "", `{"business":"invoice"}`); r.State != txn.Approved || r.Message != "B004" {
		t.Fatalf("offline ticket: %+v", r)
	}
	if r, _ := h.send("K1", "q2", "queue_ticket", "", `{"business":"invoice","number":"B002"}`); r.Code != hallapi.ResultQueued || r.Message != "B002" {
		t.Fatalf("online ticket: %+v", r)
	}
	// 16:00 UTC is midnight in China: numbers restart.
	h.now = time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)
	step(c.TakeTicket, hallapi.BusinessInvoice, "B001", 0)
	if _, err := c.TakeTicket(ctx, "lottery"); !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("unknown business: %v", err)
	}
}

func TestVerifyInvoiceEndpoint(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	q := hallapi.InvoiceQuery{TypeCode: "31", InvoiceNumber: "24312000000087654321", Amount: "113000", Date: "20240301"}
	if v, err := c.VerifyInvoice(ctx, q); err != nil || v.Result != hallapi.InvoiceGenuine {
		t.Fatalf("genuine: %+v %v", v, err)
	}
	q.Date = "20240302"
	if v, _ := c.VerifyInvoice(ctx, q); v.Result != hallapi.InvoiceMismatch || fmt.Sprint(v.Fields) != "[date]" {
		t.Fatalf("mismatch: %+v", v)
	}
	q.InvoiceNumber = "24312000000087654320"
	if v, _ := c.VerifyInvoice(ctx, q); v.Result != hallapi.InvoiceNotFound || v.Message.EN == "" {
		t.Fatalf("not found: %+v", v)
	}
	if _, err := c.VerifyInvoice(ctx, hallapi.InvoiceQuery{}); !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("empty query: %v", err)
	}
}

// TestDecideKinds: one transaction of each kind, bodies written by hand from hallapi's docs,
// against a real hall on bbolt.
// vatBody is a zero VAT return for 2026-Q3 as a kiosk computes it.
func vatBody(filer, creditCode string, ack bool, shown ...string) string {
	p := vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
	r := vatreturn.Zero(p)
	r.Filer = vatreturn.Filer{Kind: filer, CreditCode: creditCode}
	r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), p))
	r.RiskAck, r.RiskShown = ack, shown
	return string(r.Body())
}

func TestDecideKinds(t *testing.T) {
	h := newHallOnDisk(t)
	for i, c := range []struct {
		name, kind, who, body string
		state                 txn.State
		code, msg             string
	}{
		{"zero return, individual", "vat_return", idEmily, vatBody(vatreturn.FilerSelf, "", false), txn.Approved, "accepted", ""},
		{"return, no reminders", "vat_return", idLi, vatBody(vatreturn.FilerEnterprise, "91410403MA45C7RT3W", false), txn.Approved, "accepted", ""},
		{"return, reminders not confirmed", "vat_return", idMa, vatBody(vatreturn.FilerEnterprise, "92410403MA46D1PQ5H", false), txn.CounterVisit, "risk_review", ""},
		{"return, reminders confirmed", "vat_return", idMa, vatBody(vatreturn.FilerEnterprise, "92410403MA46D1PQ5H", true, "consecutive_zero_returns", "tax_burden_low"), txn.Approved, "accepted", ""},
		{"return, typed in lower case", "vat_return", idLi, vatBody(vatreturn.FilerEnterprise, "91410403ma45c7rt3w", false), txn.Approved, "accepted", ""},
		{"return for another's company", "vat_return", idMa, vatBody(vatreturn.FilerEnterprise, "91410403MA44JG2K1R", false), txn.Rejected, "not_authorised", ""},
		{"return for an unknown company", "vat_return", idMa, vatBody(vatreturn.FilerEnterprise, "91350100M000100Y43", false), txn.Rejected, "unknown_enterprise", ""},
		{"return, unreadable body", "vat_return", idMa, `[1,2]`, txn.Rejected, "bad_body", ""},
		{"invoices within limit", "invoice_collection", idZhang, `{"credit_code":"91410403MA44JG2K1R","type_code":"04","quantity":25}`, txn.Approved, "accepted", ""},
		{"invoices above limit", "invoice_collection", idZhang, `{"credit_code":"91410403MA44JG2K1R","type_code":"11","quantity":11}`, txn.Rejected, "over_limit", "10"},
		{"invoices, zero", "invoice_collection", idZhang, `{"credit_code":"91410403MA44JG2K1R","type_code":"04","quantity":0}`, txn.Rejected, "over_limit", "25"},
		{"invoices, type not approved", "invoice_collection", idZhang, `{"credit_code":"91410403MA44JG2K1R","type_code":"01","quantity":1}`, txn.Rejected, "type_not_approved", "01"},
		{"invoices, anonymous", "invoice_collection", "", `{"credit_code":"91410403MA44JG2K1R","type_code":"04","quantity":1}`, txn.Rejected, "not_authorised", ""},
		{"payment, wrong total", "tax_payment", idSmith, `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP"],"total":"15.00"}`, txn.Rejected, "total_mismatch", "150.00"},
		{"payment, unknown item", "tax_payment", idSmith, `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-12-STAMP"],"total":"150.00"}`, txn.Rejected, "not_outstanding", "SC-2026-12-STAMP"},
		{"payment, item twice", "tax_payment", idSmith, `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP","SC-2026-11-STAMP"],"total":"300.00"}`, txn.Rejected, "not_outstanding", "SC-2026-11-STAMP"},
		{"payment, no agreement", "tax_payment", idLi, `{"credit_code":"91410403MA45C7RT3W","items":["x"],"total":"1.00"}`, txn.Rejected, "no_agreement", ""},
		{"payment, no items", "tax_payment", idSmith, `{"credit_code":"91410403MA3XRL6U03","items":[],"total":"0.00"}`, txn.Rejected, "bad_body", ""},
		{"payment", "tax_payment", idSmith, `{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP"],"total":"150.00"}`, txn.Approved, "paid", "150.00"},
		{"certificate", "certificate", idZhang, `{"credit_code":"91410403MA44JG2K1R","certificate_id":"JG-C-2026Q2-VAT"}`, txn.Approved, "issued", ""},
		{"certificate of a payment here", "certificate", idSmith, `{"credit_code":"91410403MA3XRL6U03","certificate_id":"P-SC-2026-11-STAMP"}`, txn.Approved, "issued", ""},
		{"certificate of another company", "certificate", idZhang, `{"credit_code":"91410403MA44JG2K1R","certificate_id":"SC-C-2026Q3-VAT"}`, txn.Rejected, "unknown_certificate", "SC-C-2026Q3-VAT"},
		{"invoice genuine", "invoice_verification", "", `{"type_code":"10","invoice_code":"044031900111","invoice_number":"45678901","amount":"476.6","date":"20190312","check_code":"09887262553346434541"}`, txn.Approved, "genuine", ""},
		{"invoice mismatch", "invoice_verification", "", `{"type_code":"10","invoice_code":"044031900111","invoice_number":"45678901","amount":"476.06","date":"20190312","check_code":"434541"}`, txn.Rejected, "mismatch", "amount"},
		{"invoice unknown", "invoice_verification", "", `{"type_code":"04","invoice_code":"3100181130","invoice_number":"12345679","amount":"88.00","date":"20230230"}`, txn.Rejected, "not_found", ""},
		{"queue, unknown business", "queue_ticket", "", `{"business":"lottery"}`, txn.Rejected, "bad_body", ""},
		{"help", "help_request", "", `{}`, txn.Approved, "seat_notified", ""},
		{"tamper", "tamper_alarm", "", ``, txn.Approved, "recorded", ""},
		{"rating", "rating", "", `{"level":5}`, txn.Approved, "recorded", ""},
	} {
		r, _ := h.send("K1", fmt.Sprintf("t%02d", i), txn.Kind(c.kind), c.who, c.body)
		if r.State != c.state || r.Code != c.code || r.Message != c.msg || !r.At.Equal(h.now) {
			t.Errorf("%s: %+v, want %s %s %q", c.name, r, c.state, c.code, c.msg)
		}
	}
}

// TestPaymentOnce: a retry never pays twice, another transaction cannot pay a paid item,
// not within one batch, not from another kiosk, not after the hall restarts, and not when
// kiosks race.
func TestPaymentOnce(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	// 3,465.00 yuan due 2026-10-23, paid 2026-12-01: 39 days late, surcharges 61.43 + 4.30 + 1.84
	const q3 = `{"credit_code":"91410403MA44JG2K1R","items":["JG-2026Q3-VAT","JG-2026Q3-UMT","JG-2026Q3-EDU"],"total":"3532.57","surcharge":"67.57"}`
	if r, _ := h.send("K1", "pay-0", "tax_payment", idZhang, `{"credit_code":"91410403MA44JG2K1R","items":["JG-2026Q3-VAT","JG-2026Q3-UMT","JG-2026Q3-EDU"],"total":"3465.00"}`); r.Code != hallapi.ResultTotalMismatch || r.Message != "3532.57" {
		t.Fatalf("overdue items paid without their surcharge: %+v", r)
	}
	r, dup := h.send("K1", "pay-1", "tax_payment", idZhang, q3)
	if r.State != txn.Approved || r.Message != "3532.57" || dup {
		t.Fatalf("payment: %+v", r)
	}
	first := r
	h.now = h.now.Add(time.Hour)
	if r, dup := h.send("K1", "pay-1", "tax_payment", idZhang, q3); !dup || r != first {
		t.Fatalf("retry: %+v dup %v", r, dup)
	}
	if r, _ := h.send("K2", "pay-1", "tax_payment", idZhang, q3); r.Code != hallapi.ResultPaidByOther || r.Message != "JG-2026Q3-VAT" {
		t.Fatalf("same id from another kiosk: %+v", r)
	}
	e, _ := c.Enterprise(ctx, registry.JianguoHardware)
	if len(e.Outstanding) != 1 || e.Outstanding[0].ID != "JG-2026-11-STAMP" || len(e.Certificates) != 5 ||
		e.Certificates[2].ID != "P-JG-2026Q3-VAT" || e.Certificates[2].PaidOn != "2026-12-01" || e.Certificates[2].Amount.String() != "3150.00" {
		t.Fatalf("after payment: %+v", e)
	}
	es, _ := c.Lookup(ctx, idZhang, session(h.now))
	if len(es[0].Outstanding) != 1 {
		t.Fatalf("lookup after payment: %+v", es[0].Outstanding)
	}

	// Two payments of one item in one batch: the first pays.
	b := hallapi.Batch{KioskID: "K3", Txns: []txn.Txn{
		{ID: "a", Kind: "tax_payment", Taxpayer: &txn.Taxpayer{IDNumber: idSmith}, Body: withSession(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.37"}`, h.now)},
		{ID: "b", Kind: "tax_payment", Taxpayer: &txn.Taxpayer{IDNumber: idSmith}, Body: withSession(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-UMT","GY-2026-11-VAT"],"total":"19744.04"}`, h.now)},
		{ID: "a", Kind: "tax_payment", Taxpayer: &txn.Taxpayer{IDNumber: idSmith}, Body: withSession(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.37"}`, h.now)},
	}}
	resp, err := c.SendBatch(ctx, b)
	if err != nil || len(resp.Results) != 3 || resp.Results[0].Result.Code != "paid" ||
		resp.Results[1].Result.Code != "paid_by_other" || resp.Results[2].Result.Code != "paid" || len(resp.Duplicates) != 1 {
		t.Fatalf("one batch: %+v %v", resp, err)
	}

	// A credit code typed in lower case pays the same item.
	if r, _ := h.send("K5", "pay-lc", "tax_payment", idSmith, `{"credit_code":"91410400ma9kwb3n7q","items":["GY-2026-11-EDU"],"total":"553.57"}`); r.Code != hallapi.ResultPaid {
		t.Fatalf("lower case: %+v", r)
	}
	if r, _ := h.send("K6", "pay-uc", "tax_payment", idSmith, `{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-EDU"],"total":"553.57"}`); r.Code != hallapi.ResultPaidByOther {
		t.Fatalf("upper case after lower case: %+v", r)
	}

	// A restarted hall rebuilds its ledger from the store.
	h.stop()
	h.start()
	c = h.client()
	if r, _ := h.send("K4", "pay-2", "tax_payment", idZhang, `{"credit_code":"91410403MA44JG2K1R","items":["JG-2026Q3-UMT"],"total":"220.50"}`); r.Code != hallapi.ResultPaidByOther {
		t.Fatalf("after restart: %+v", r)
	}
	if r, dup := h.send("K1", "pay-1", "tax_payment", idZhang, q3); !dup || r != first {
		t.Fatalf("retry after restart: %+v dup %v", r, dup)
	}
	if e, _ := c.Enterprise(ctx, registry.GangyingTrading); len(e.Outstanding) != 3 {
		t.Fatalf("after restart: %+v", e.Outstanding)
	}

	// Kiosks racing for one item: exactly one pays.
	const racers = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		paid int
	)
	for k := 0; k < racers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			kiosk := fmt.Sprintf("R%d", k)
			resp, err := c.SendBatch(ctx, hallapi.Batch{KioskID: kiosk, Txns: []txn.Txn{{ID: txn.NewID(), Kind: "tax_payment",
				Taxpayer: &txn.Taxpayer{IDNumber: idSmith}, Body: withSession(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026Q3-CIT"],"total":"27003.50","surcharge":"503.50"}`, h.now)}}})
			if err != nil || len(resp.Results) != 1 {
				t.Errorf("%s: %+v %v", kiosk, resp, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if resp.Results[0].Result.Code == hallapi.ResultPaid {
				paid++
			} else if resp.Results[0].Result.Code != hallapi.ResultPaidByOther {
				t.Errorf("%s: %+v", kiosk, resp.Results[0])
			}
		}(k)
	}
	wg.Wait()
	if paid != 1 {
		t.Fatalf("%d of %d racing kiosks paid", paid, racers)
	}
}

// TestServicesRequireKiosk: with RequireKiosk, the services answer only kiosks with a
// certificate (the mutual-TLS path itself is tested in hallapi).
func TestServicesRequireKiosk(t *testing.T) {
	srv := hall.New(newMem(), &hall.Opts{RequireKiosk: true})
	for _, c := range []struct{ method, path, body string }{
		{"POST", hallapi.PathLookup, `{"id_number":"` + idZhang + `"}`},
		{"GET", hallapi.PathEnterprises + "/" + registry.JianguoHardware, ``},
		{"POST", hallapi.PathQueue, `{"business":"invoice"}`},
		{"POST", hallapi.PathVerifyInvoice, `{"invoice_number":"12345678"}`},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, strings.NewReader(c.body)))
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), hallapi.CodeNoCert) {
			t.Errorf("%s %s: %d %s", c.method, c.path, rec.Code, rec.Body)
		}
	}
}

// TestPaymentStoreFailure: a store that cannot be read answers 503, and a payment is not
// approved without its ledger.
func TestPaymentStoreFailure(t *testing.T) {
	store := newMem()
	store.failOn = true
	srv := hall.New(store, nil)
	rec, _ := post(t, srv, `{"kiosk_id":"K1","txns":[{"id":"p","kind":"tax_payment","body":`+string(withSession(`{"credit_code":"91410403MA3XRL6U03","items":["SC-2026-11-STAMP"],"total":"150.00"}`, time.Now()))+`}]}`)
	if rec.Code != 503 {
		t.Fatalf("payment on a failing store: %d %s", rec.Code, rec.Body)
	}
}

func TestCustomRegistry(t *testing.T) {
	f := registry.DemoFile()
	f.People = f.People[:1]
	reg, err := registry.New(f)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(hall.New(newMem(), &hall.Opts{Registry: reg}))
	defer ts.Close()
	c := &hallapi.Client{BaseURL: ts.URL}
	if es, err := c.Lookup(context.Background(), idMa, session(time.Now())); err != nil || len(es) != 0 {
		t.Fatalf("person left out of the registry: %+v %v", es, err)
	}
}

// BenchmarkServices measures the taxpayer services' reads on loopback HTTP against a hall on
// bbolt, one request per op, and a batch of one tax payment (rejected as paid after the
// first, so every op takes the ledger's lock and a bbolt commit).
//
//	go test -run '^$' -bench Services ./kiosk/hall/
func BenchmarkServices(b *testing.B) {
	key, _ := seal.NewKey(bytes.Repeat([]byte{7}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(b.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	// No rate limits: the benchmark asks about one person as fast as it can.
	ts := httptest.NewServer(hall.New(store, &hall.Opts{Limits: hall.Limits{KioskLookups: 1 << 30, PersonLookups: 1 << 30}}))
	defer ts.Close()
	c, ctx := &hallapi.Client{BaseURL: ts.URL}, context.Background()
	b.Run("lookup", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if es, err := c.Lookup(ctx, idZhang, session(time.Now())); err != nil || len(es) != 2 {
				b.Fatal(es, err)
			}
		}
	})
	b.Run("enterprise", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := c.Enterprise(ctx, registry.GangyingTrading); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		q := hallapi.InvoiceQuery{TypeCode: "04", InvoiceCode: "3100181130", InvoiceNumber: "12345678", Amount: "1000.00", Date: "20190521", CheckCode: "567890"}
		for i := 0; i < b.N; i++ {
			if v, err := c.VerifyInvoice(ctx, q); err != nil || v.Result != hallapi.InvoiceGenuine {
				b.Fatal(v, err)
			}
		}
	})
	b.Run("payment", func(b *testing.B) {
		tp := &txn.Taxpayer{IDNumber: idSmith}
		for i := 0; i < b.N; i++ {
			bt := hallapi.Batch{KioskID: "K1", Txns: []txn.Txn{{ID: txn.NewID(), Kind: "tax_payment", Taxpayer: tp,
				Body: withSession(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026Q3-CIT"],"total":"26500.00"}`, time.Now())}}}
			if resp, err := c.SendBatch(ctx, bt); err != nil || len(resp.Accepted) != 1 {
				b.Fatal(resp, err)
			}
		}
	})
}

func ExampleDecide() {
	t := txn.Txn{ID: "t-1", Kind: "invoice_collection", Taxpayer: &txn.Taxpayer{IDNumber: "410403196804153016"},
		Body: json.RawMessage(`{"credit_code":"91410403MA44JG2K1R","type_code":"11","quantity":20}`)}
	r, ok := hall.Decide(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	fmt.Println(ok, r.State, r.Code, r.Message)
	// Output: true rejected over_limit 10
}

// TestFiledReturnOwes: an enterprise's return with tax payable becomes an outstanding item
// due on the period's statutory day, which the same visit can pay; a zero return, a return
// under the threshold and one's own return owe nothing here; a restarted hall still lists it.
func TestFiledReturnOwes(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	nov := vatreturn.Period{Type: vatreturn.Monthly, Year: 2026, Index: 11}
	file := func(id, code string, sales money.Amount) {
		t.Helper()
		r := vatreturn.Return{Period: nov, Filer: vatreturn.Filer{Kind: vatreturn.FilerSelf}, Sales: sales}
		if code != "" {
			r.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: code}
		}
		if err := r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), nov)); err != nil {
			t.Fatal(err)
		}
		if res, _ := h.send("K1", id, txn.KindVATReturn, idLi, string(r.Body())); res.State != txn.Approved {
			t.Fatalf("return %s: %+v", id, res)
		}
	}
	file("zero", registry.DefuHousekeeping, 0)
	file("small", registry.DefuHousekeeping, money.Yuan(600))
	file("own", "", money.Yuan(160000))
	e, _ := c.Enterprise(ctx, registry.DefuHousekeeping)
	if len(e.Outstanding) != 0 {
		t.Fatalf("returns owing nothing listed: %+v", e.Outstanding)
	}
	file("big", registry.DefuHousekeeping, money.Yuan(160000)) // 1% of 160,000, and its surcharges halved
	item := func(suffix, kind string, yuan int64) hallapi.TaxItem {
		return hallapi.TaxItem{ID: "F-big-" + suffix, TaxKind: kind, Name: registry.TaxName(kind), Period: "2026-11", Amount: money.Yuan(yuan), Due: "2026-12-15"}
	}
	want := []hallapi.TaxItem{item("VAT", "vat", 1600), item("UMT", "urban_maintenance", 56),
		item("EDU", "education_surcharge", 24), item("LEDU", "local_education_surcharge", 16)}
	check := func(when string) {
		t.Helper()
		e, _ := c.Enterprise(ctx, registry.DefuHousekeeping)
		es, _ := c.Lookup(ctx, idLi, session(h.now))
		if fmt.Sprint(e.Outstanding) != fmt.Sprint(want) || len(es) != 1 || fmt.Sprint(es[0].Outstanding) != fmt.Sprint(want) {
			t.Fatalf("%s: enterprise %+v, lookup %+v; want %+v", when, e.Outstanding, es, want)
		}
	}
	check("after filing")
	file("big", registry.DefuHousekeeping, money.Yuan(160000)) // the same transaction again owes once
	h.stop()
	h.start()
	c = h.client()
	check("after a restart")

	// 德福家政 has no tripartite agreement: the hall lists the tax and refuses to debit it.
	pay := `{"credit_code":"` + registry.DefuHousekeeping + `","items":["F-big-VAT"],"total":"1600.00"}`
	if r, _ := h.send("K1", "pay-big", txn.KindTaxPayment, idLi, pay); r.Code != hallapi.ResultNoAgreement {
		t.Fatalf("payment without an agreement: %+v", r)
	}
}

// TestFiledReturnPaid: with an agreement, the filed return's tax is paid like any other and
// becomes a certificate.
func TestFiledReturnPaid(t *testing.T) {
	h := newHallOnDisk(t)
	c, ctx := h.client(), context.Background()
	q4 := vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
	r := vatreturn.Return{Period: q4, Filer: vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: registry.JianguoHardware}, Sales: money.Yuan(400000)}
	if err := r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), q4)); err != nil {
		t.Fatal(err)
	}
	if res, _ := h.send("K1", "ret", txn.KindVATReturn, idZhang, string(r.Body())); res.State != txn.Approved {
		t.Fatalf("return: %+v", res)
	}
	// due 2026-10-15, paid 2026-12-01: 47 days late, 4,000.00 × 0.0005 × 47 = 94.00
	pay := `{"credit_code":"` + registry.JianguoHardware + `","items":["F-ret-VAT"],"total":"4094.00","surcharge":"94.00"}`
	if res, _ := h.send("K1", "pay", txn.KindTaxPayment, idZhang, pay); res.Code != hallapi.ResultPaid {
		t.Fatalf("payment: %+v", res)
	}
	e, _ := c.Enterprise(ctx, registry.JianguoHardware)
	if _, owed := findItem(e.Outstanding, "F-ret-VAT"); owed || e.Certificates[len(e.Certificates)-1].ID != "P-F-ret-VAT" {
		t.Fatalf("after payment: %+v %+v", e.Outstanding, e.Certificates)
	}
}

func findItem(items []hallapi.TaxItem, id string) (hallapi.TaxItem, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return hallapi.TaxItem{}, false
}
