package hall_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// memStore is an in-memory hall.Store for handler tests and fuzzing, where an fsync per
// input would be too slow. TestMemStore holds it to the same suite as the real stores.
type memStore struct {
	mu     sync.Mutex
	byKey  map[string]hall.Entry
	order  map[string][]string
	seqs   map[string]string // kiosk, 0, seq -> first txn id
	maxSeq map[string]uint64
	alarms []hall.Alarm
	failOn bool
}

func newMem() *memStore {
	return &memStore{byKey: map[string]hall.Entry{}, order: map[string][]string{}, seqs: map[string]string{}, maxSeq: map[string]uint64{}}
}

func (m *memStore) PutBatch(ctx context.Context, kiosk string, es []hall.Entry) ([]hall.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failOn {
		return nil, fmt.Errorf("%w: injected", hall.ErrStorage)
	}
	outs := make([]hall.Outcome, len(es))
	for i, e := range es {
		k := kiosk + "\x00" + e.Txn.ID
		if prev, ok := m.byKey[k]; ok {
			outs[i] = hall.Outcome{Duplicate: true, Result: prev.Result, Cursor: prev.Cursor}
			continue
		}
		m.order[kiosk] = append(m.order[kiosk], e.Txn.ID)
		e.Cursor = uint64(len(m.order[kiosk]))
		e.Txn.KioskID = kiosk
		m.byKey[k] = e
		outs[i] = hall.Outcome{Result: e.Result, Cursor: e.Cursor}
		if seq := e.Txn.Seq; seq > 0 {
			outs[i].SeqBefore = m.maxSeq[kiosk]
			sk := fmt.Sprintf("%s\x00%d", kiosk, seq)
			if held, ok := m.seqs[sk]; ok {
				outs[i].SeqHeldBy = held
			} else {
				m.seqs[sk] = e.Txn.ID
			}
			m.maxSeq[kiosk] = max(m.maxSeq[kiosk], seq)
		}
	}
	return outs, nil
}

func (m *memStore) Payments(ctx context.Context) ([]hall.Entry, error) {
	return m.ofKind(ctx, txn.KindTaxPayment)
}

func (m *memStore) Returns(ctx context.Context) ([]hall.Entry, error) {
	return m.ofKind(ctx, txn.KindVATReturn)
}

func (m *memStore) ofKind(ctx context.Context, kind txn.Kind) ([]hall.Entry, error) {
	es, err := m.List(ctx)
	var out []hall.Entry
	for _, e := range es {
		if e.Txn.Kind == kind {
			e.Txn.Taxpayer, e.Evidence = nil, nil
			out = append(out, e)
		}
	}
	return out, err
}

func (m *memStore) Evidence(_ context.Context, kiosk, id string) (hall.Evidence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byKey[kiosk+"\x00"+id]
	if !ok || e.Evidence == nil {
		return hall.Evidence{}, hall.ErrNotFound
	}
	return *e.Evidence, nil
}

func (m *memStore) PutAlarms(_ context.Context, as []hall.Alarm) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.alarms = append(m.alarms, as...)
	return nil
}

func (m *memStore) Alarms(context.Context) ([]hall.Alarm, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]hall.Alarm(nil), m.alarms...), nil
}

func (m *memStore) Results(_ context.Context, kiosk string, since uint64, limit int) ([]hallapi.ResultFor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []hallapi.ResultFor
	ids := m.order[kiosk]
	for i := int(since); i < len(ids) && len(out) < limit; i++ {
		e := m.byKey[kiosk+"\x00"+ids[i]]
		out = append(out, hallapi.ResultFor{ID: e.Txn.ID, Result: e.Result, Cursor: e.Cursor})
	}
	return out, nil
}

func (m *memStore) Count(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.byKey), nil
}

func (m *memStore) List(context.Context) ([]hall.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failOn {
		return nil, fmt.Errorf("%w: injected", hall.ErrStorage)
	}
	var kiosks []string
	for k := range m.order {
		kiosks = append(kiosks, k)
	}
	sort.Strings(kiosks)
	var out []hall.Entry
	for _, k := range kiosks {
		for _, id := range m.order[k] {
			e := m.byKey[k+"\x00"+id]
			e.Evidence = nil
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) Close() error { return nil }

func TestMemStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hall.Store { return newMem() })
}

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func post(t testing.TB, h http.Handler, body string) (*httptest.ResponseRecorder, hallapi.BatchResponse) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathBatches, strings.NewReader(body)))
	var resp hallapi.BatchResponse
	if rec.Code == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("bad answer %q: %v", rec.Body.String(), err)
		}
	}
	return rec, resp
}

// Batches below are written by hand from the wire format in hallapi's doc, not by the
// client's encoder.
func TestBatchAnswers(t *testing.T) {
	store := newMem()
	srv := hall.New(store, &hall.Opts{Now: func() time.Time { return t0 }, MaxBatch: 3})
	first := `{"kiosk_id":"K001","txns":[
		{"id":"a","seq":1,"kind":"vat_return","created_at":"2026-11-30T08:59:00Z","taxpayer":{"name":"张伟","id_number":"41040219800101123X","card_type":"resident"},"body":` + storetest.ZeroReturn + `},
		{"id":"b","seq":2,"kind":"land_tax_refund","created_at":"2026-11-30T08:59:30Z","body":{}},
		{"id":"c","seq":3,"kiosk_id":"K999","kind":"vat_return","created_at":"2026-11-30T08:59:40Z","body":{}}]}`
	rec, resp := post(t, srv, first)
	if rec.Code != 200 {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
	want := `{"accepted":["a"],"duplicates":[],"rejected":[{"id":"b","index":1,"code":"unknown_kind","message":"no service for kind \"land_tax_refund\""},{"id":"c","index":2,"code":"invalid_txn","message":"transaction of another kiosk"}],"results":[{"id":"a","result":{"state":"approved","code":"accepted","at":"2026-11-30T09:00:00Z"},"cursor":1}]}`
	if got := rec.Body.String(); got != want {
		t.Fatalf("answer\n got %s\nwant %s", got, want)
	}
	_, resp = post(t, srv, `{"kiosk_id":"K001","txns":[{"id":"a","kind":"vat_return"},{"id":"d","kind":"vat_return"}]}`)
	if len(resp.Duplicates) != 1 || resp.Duplicates[0] != "a" || len(resp.Accepted) != 1 || len(resp.Results) != 2 {
		t.Fatalf("resend answer %+v", resp)
	}
	if n, _ := srv.Count(context.Background()); n != 2 {
		t.Fatalf("Count = %d", n)
	}
	es, _ := srv.List(context.Background())
	if es[0].Txn.Taxpayer == nil || es[0].Txn.Taxpayer.Name != "张伟" || es[0].Txn.KioskID != "K001" {
		t.Fatalf("stored %+v", es[0])
	}

	for _, c := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"malformed", `{"kiosk_id":`, 400, hallapi.CodeBadRequest},
		{"no kiosk", `{"txns":[]}`, 400, hallapi.CodeBadRequest},
		{"too many", `{"kiosk_id":"K1","txns":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"4"}]}`, 413, hallapi.CodeTooLarge},
	} {
		rec, _ := post(t, srv, c.body)
		var eb hallapi.ErrorBody
		json.Unmarshal(rec.Body.Bytes(), &eb)
		if rec.Code != c.status || eb.Code != c.code {
			t.Errorf("%s: %d %s", c.name, rec.Code, rec.Body)
		}
	}
	store.failOn = true
	if rec, _ := post(t, srv, `{"kiosk_id":"K1","txns":[{"id":"x","kind":"vat_return"}]}`); rec.Code != 503 || !strings.Contains(rec.Body.String(), `"storage"`) {
		t.Fatalf("storage failure: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "张伟") {
		t.Fatal("personal data in an answer")
	}
}

func TestResultsAndHealth(t *testing.T) {
	srv := hall.New(newMem(), &hall.Opts{Now: func() time.Time { return t0 }})
	post(t, srv, `{"kiosk_id":"K001","txns":[{"id":"a","kind":"help_request"},{"id":"b","kind":"help_request"},{"id":"c","kind":"help_request"}]}`)
	for _, c := range []struct {
		url, want string
		status    int
	}{
		{"/v1/results?kiosk=K001&since=1", `{"results":[{"id":"b","result":{"state":"approved","code":"seat_notified","at":"2026-11-30T09:00:00Z"},"cursor":2},{"id":"c","result":{"state":"approved","code":"seat_notified","at":"2026-11-30T09:00:00Z"},"cursor":3}],"next":3}`, 200},
		{"/v1/results?kiosk=K001&since=3", `{"results":[],"next":3}`, 200},
		{"/v1/results?kiosk=K002", `{"results":[],"next":0}`, 200},
		{"/v1/results?since=1", `{"code":"bad_request","message":"want kiosk=ID\u0026since=CURSOR"}`, 400},
		{"/v1/results?kiosk=K1&since=-1", `{"code":"bad_request","message":"want kiosk=ID\u0026since=CURSOR"}`, 400},
		{"/v1/health", `{"status":"ok","time":"2026-11-30T09:00:00Z"}`, 200},
		{"/v2/nothing", `{"code":"not_found","message":"no such endpoint"}`, 404},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", c.url, nil))
		if rec.Code != c.status || rec.Body.String() != c.want {
			t.Errorf("GET %s = %d %s", c.url, rec.Code, rec.Body)
		}
	}
}

// FuzzBatches: whatever a kiosk (or anyone) posts, the hall answers 200 naming every
// transaction of the batch once, by id, or a 4xx; never a panic or a 5xx from a healthy store.
// What it calls accepted is stored, what it rejects is not, and a resend of the same batch
// stores nothing more.
func FuzzBatches(f *testing.F) {
	f.Add(`{"kiosk_id":"K001","txns":[{"id":"a","kind":"vat_return"}]}`)
	f.Add(`{"kiosk_id":"K001","txns":[{"id":"a","kind":"vat_return"},{"id":"a","kind":"vat_return"},{"id":"","kind":"x"}]}`)
	f.Add(`{"kiosk_id":"K001","txns":[{"id":"a","kind":"vat_return"},{"id":"b","kind":"land_tax_refund"},{"id":"c","kiosk_id":"K2","kind":"vat_return"}]}`)
	f.Add(`{"kiosk_id":"K001","txns":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		srv := hall.New(newMem(), &hall.Opts{MaxBatch: 50})
		rec, resp := post(t, srv, body)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if rec.Code != 200 {
			return
		}
		var b hallapi.Batch
		json.Unmarshal([]byte(body), &b)
		var sent, answered []string
		for _, x := range b.Txns {
			sent = append(sent, x.ID)
		}
		answered = append(append(answered, resp.Accepted...), resp.Duplicates...)
		for _, r := range resp.Rejected {
			id := r.ID
			if id == "" && r.Index >= 0 && r.Index < len(b.Txns) {
				// Refused for text that is not UTF-8: named by its place in the batch only,
				// since the id read back could differ from the one the kiosk holds.
				id = b.Txns[r.Index].ID
			}
			answered = append(answered, id)
		}
		slices.Sort(sent)
		slices.Sort(answered)
		if !slices.Equal(sent, answered) {
			t.Fatalf("sent %q, answered for %q", sent, answered)
		}
		stored := storedIDs(t, srv)
		for _, id := range resp.Accepted {
			if !stored[id] {
				t.Fatalf("%q accepted but not stored", id)
			}
		}
		if len(stored) != len(resp.Accepted) {
			t.Fatalf("stored %d, accepted %q", len(stored), resp.Accepted)
		}
		_, again := post(t, srv, body)
		if len(again.Accepted) != 0 || len(storedIDs(t, srv)) != len(stored) {
			t.Fatalf("the resend stored again: %+v", again)
		}
	})
}

// storedIDs lists what the hall's store holds, by transaction id.
func storedIDs(t *testing.T, srv *hall.Server) map[string]bool {
	t.Helper()
	es, err := srv.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range es {
		ids[e.Txn.ID] = true
	}
	return ids
}

func ExampleServer() {
	dir, _ := os.MkdirTemp("", "hall-example")
	defer os.RemoveAll(dir)
	key, _ := seal.LoadOrCreateKey(filepath.Join(dir, "hall.key"))
	store, err := boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	ts := httptest.NewServer(hall.New(store, nil))
	defer ts.Close()
	c := &hallapi.Client{BaseURL: ts.URL}
	b := hallapi.Batch{KioskID: "K001", Txns: []txn.Txn{{ID: "t-1", Seq: 1, Kind: txn.KindHelpRequest}}}
	for i := 0; i < 2; i++ { // the second send is what a kiosk does after losing the answer
		resp, _ := c.SendBatch(context.Background(), b)
		fmt.Println(len(resp.Accepted), len(resp.Duplicates), resp.Results[0].Result.State)
	}
	n, _ := store.Count(context.Background())
	fmt.Println("stored", n)
	// Output:
	// 1 0 approved
	// 0 1 approved
	// stored 1
}

func TestClientAgainstServer(t *testing.T) {
	ts := httptest.NewServer(hall.New(newMem(), nil))
	c := &hallapi.Client{BaseURL: ts.URL}
	_, err := c.SendBatch(context.Background(), hallapi.Batch{})
	var herr *hallapi.Error
	if !errors.Is(err, hallapi.ErrRejected) || !errors.As(err, &herr) || herr.Code != hallapi.CodeBadRequest || herr.Status != 400 {
		t.Fatalf("empty batch: %v", err)
	}
	ts.Close()
	if _, err := c.Health(context.Background()); !errors.Is(err, hallapi.ErrUnreachable) {
		t.Fatalf("closed server: %v", err)
	}
}
