package hallapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"taxkiosk/kiosk/txn"
)

func TestBatchWireFormat(t *testing.T) {
	b := Batch{KioskID: "K001", Txns: []txn.Txn{{
		ID: "t-1", Seq: 7, KioskID: "K001", Kind: txn.KindVATReturn,
		CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Taxpayer:  &txn.Taxpayer{Name: "张伟", IDNumber: "41040219800101123X", CardType: "resident"},
		Body:      json.RawMessage(`{"period":"2026Q3"}`),
	}}}
	got, _ := json.Marshal(b)
	want := `{"kiosk_id":"K001","txns":[{"id":"t-1","seq":7,"kiosk_id":"K001","kind":"vat_return","created_at":"2026-11-30T09:00:00Z","taxpayer":{"name":"张伟","id_number":"41040219800101123X","card_type":"resident"},"body":{"period":"2026Q3"}}]}`
	if string(got) != want {
		t.Fatalf("batch on the wire\n got %s\nwant %s", got, want)
	}
}

func TestClientAnswers(t *testing.T) {
	for _, c := range []struct {
		name    string
		status  int
		body    string
		is      error
		code    string
		wantAcc int
	}{
		{"ok", 200, `{"accepted":["a","b"],"duplicates":["c"],"rejected":[],"results":[{"id":"a","result":{"state":"approved","code":"accepted","at":"2026-11-30T09:00:00Z"},"cursor":1}]}`, nil, "", 2},
		{"bad request", 400, `{"code":"bad_request","message":"malformed batch"}`, ErrRejected, "bad_request", 0},
		{"too large", 413, `{"code":"too_large","message":"at most 1000"}`, ErrRejected, "too_large", 0},
		{"storage", 503, `{"code":"storage","message":"resend later"}`, ErrUnreachable, "storage", 0},
		{"gateway page", 502, `<html>Bad Gateway</html>`, ErrUnreachable, "http_502", 0},
		{"cut answer", 200, `{"accepted":["a","b"],"dupl`, ErrUnreachable, "", 0},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" || r.URL.Path != "/v1/batches" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: request %s %s", c.name, r.Method, r.URL)
			}
			w.WriteHeader(c.status)
			io.WriteString(w, c.body)
		}))
		cl := &Client{BaseURL: ts.URL}
		resp, err := cl.SendBatch(context.Background(), Batch{KioskID: "K001"})
		ts.Close()
		if c.is == nil {
			if err != nil || len(resp.Accepted) != c.wantAcc || resp.Results[0].Result.State != txn.Approved {
				t.Errorf("%s: %+v %v", c.name, resp, err)
			}
			continue
		}
		if !errors.Is(err, c.is) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.is)
		}
		var herr *Error
		if c.code != "" && (!errors.As(err, &herr) || herr.Code != c.code || herr.Status != c.status) {
			t.Errorf("%s: error %#v", c.name, err)
		}
	}
}

func TestClientUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a hall that never answers
	}))
	defer ts.Close()
	cl := &Client{BaseURL: ts.URL}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := cl.Health(ctx); !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	dead := &Client{BaseURL: "http://127.0.0.1:1"}
	if _, err := dead.Results(context.Background(), "K001", 0); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("refused: %v", err)
	}
}

func TestResultsQuery(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/results" || r.URL.Query().Get("kiosk") != "K 1" || r.URL.Query().Get("since") != "42" {
			t.Errorf("query %s", r.URL)
		}
		io.WriteString(w, `{"results":[{"id":"x","result":{"state":"counter_visit","code":"see_clerk","at":"2026-11-30T09:00:00Z"},"cursor":43}],"next":43,"more":true}`)
	}))
	defer ts.Close()
	p, err := (&Client{BaseURL: ts.URL}).Results(context.Background(), "K 1", 42)
	if err != nil || p.Next != 43 || !p.More || p.Results[0].Result.State != txn.CounterVisit {
		t.Fatalf("%+v %v", p, err)
	}
}

func ExampleClient_SendBatch() {
	hall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"code":"storage","message":"could not store batch; resend later"}`)
	}))
	defer hall.Close()
	c := &Client{BaseURL: hall.URL}
	_, err := c.SendBatch(context.Background(), Batch{KioskID: "K001"})
	var herr *Error
	errors.As(err, &herr)
	fmt.Println(errors.Is(err, ErrUnreachable), herr.Code)
	// Output: true storage
}
