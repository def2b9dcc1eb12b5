package hall_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/mtls"
)

// kioskTLS is the connection state of kiosk id's certificate as the hall's TLS server
// verified it, and the certificate's signing key.
func kioskTLS(t testing.TB, id string) (*tls.ConnectionState, ed25519.PrivateKey) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, id, nil); err != nil {
		t.Fatal(err)
	}
	cfg, key, err := mtls.ClientConfig(dir, id)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{leaf}}}, key
}

// countingBody is a request body that says how much of it the handler read.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// repeat reads s over and over, for ever.
type repeat struct {
	s   string
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n, r.off = n+c, (r.off+c)%len(r.s)
	}
	return n, nil
}

// endless is an unending batch-shaped body: a kiosk id, then transactions for ever.
func endless() io.Reader {
	return io.MultiReader(strings.NewReader(`{"kiosk_id":"K001","txns":[`), &repeat{s: `{"id":"x","kind":"help_request","body":{}},`})
}

// bigBatch is a well-formed batch of n small transactions.
func bigBatch(kiosk string, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"kiosk_id":%q,"txns":[`, kiosk)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"t%07d","seq":%d,"kind":"help_request","body":{"source":"button"}}`, i, i+1)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestBatchFloodBounded replays the review's memory attack (eight unsigned 16 MiB bodies
// at once took the hall to 3.4 GB, because they were parsed before the signature was
// checked): unsigned and badly signed bodies, endless bodies and oversized batches are
// answered 401/413 after reading at most the limit, and the bytes the hall allocates per
// request stay near the body's size instead of many times it.
func TestBatchFloodBounded(t *testing.T) {
	cs, key := kioskTLS(t, "K001")
	const maxBody = 4 << 20
	srv := hall.New(newMem(), &hall.Opts{RequireKiosk: true, MaxBody: maxBody, MaxConcurrent: 64})
	serve := func(body io.Reader, length int64, sig string) (int, string) {
		req := httptest.NewRequest("POST", hallapi.PathBatches, body)
		req.ContentLength = length
		req.TLS = cs
		if sig != "" {
			req.Header.Set(hallapi.HeaderSignature, sig)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var eb hallapi.ErrorBody
		json.Unmarshal(rec.Body.Bytes(), &eb)
		return rec.Code, eb.Code
	}
	forged := hallapi.SignBody(key, []byte("something else"))

	// Without a signature header, nothing of the body is read.
	cb := &countingBody{r: endless()}
	if code, c := serve(cb, -1, ""); code != 401 || c != hallapi.CodeBadSig || cb.read.Load() != 0 {
		t.Errorf("unsigned endless body: %d %s after reading %d bytes", code, c, cb.read.Load())
	}
	// An endless body with a signature is read to the limit and one byte more, then refused.
	cb = &countingBody{r: endless()}
	if code, c := serve(cb, -1, forged); code != 413 || c != hallapi.CodeTooLarge || cb.read.Load() > maxBody+64<<10 {
		t.Errorf("endless signed body: %d %s after reading %d bytes", code, c, cb.read.Load())
	}
	// An announced length above the limit is refused before reading.
	cb = &countingBody{r: endless()}
	if code, _ := serve(cb, 1<<34, forged); code != 413 || cb.read.Load() != 0 {
		t.Errorf("announced 16 GiB: %d after reading %d bytes", code, cb.read.Load())
	}
	// A signed batch with more transactions than MaxBatch is refused as too large.
	many := bigBatch("K001", 1001)
	if code, c := serve(bytes.NewReader(many), int64(len(many)), hallapi.SignBody(key, many)); code != 413 || c != hallapi.CodeTooLarge {
		t.Errorf("1001 signed transactions: %d %s", code, c)
	}

	// Many well-formed, badly signed batches just under the limit, at once.
	body := bigBatch("K001", 40000)
	for len(body) > maxBody {
		body = bigBatch("K001", 40000*maxBody/len(body)-10)
	}
	const flood = 16
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	codes := make([]int, flood)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = serve(bytes.NewReader(body), int64(len(body)), forged)
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	for i, c := range codes {
		if c != 401 {
			t.Errorf("flood request %d: %d, want 401", i, c)
		}
	}
	perRequest := (after.TotalAlloc - before.TotalAlloc) / flood
	t.Logf("%d badly signed batches of %d bytes: %d bytes allocated per request", flood, len(body), perRequest)
	if perRequest > 3*uint64(len(body)) {
		t.Errorf("each request allocated %d bytes for a %d-byte body: the body is parsed before its signature is checked", perRequest, len(body))
	}
}

// TestBatchConcurrencyCap: one batch request more than MaxConcurrent is answered 429 with
// Retry-After at once, while the others are still being read.
func TestBatchConcurrencyCap(t *testing.T) {
	srv := hall.New(newMem(), &hall.Opts{MaxConcurrent: 2})
	var held []*io.PipeWriter
	var wg sync.WaitGroup
	started := make(chan struct{}, 2)
	for i := 0; i < 2; i++ {
		pr, pw := io.Pipe()
		held = append(held, pw)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", hallapi.PathBatches, &signalReader{r: pr, first: started})
			srv.ServeHTTP(httptest.NewRecorder(), req)
		}()
	}
	<-started
	<-started
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathBatches, strings.NewReader(`{"kiosk_id":"K1","txns":[]}`)))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), hallapi.CodeBusy) {
		t.Errorf("third request at once: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	for _, pw := range held {
		pw.Write([]byte(`{"kiosk_id":"K1","txns":[]}`))
		pw.Close()
	}
	wg.Wait()
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathBatches, strings.NewReader(`{"kiosk_id":"K1","txns":[]}`)))
	if rec.Code != 200 {
		t.Errorf("after the others finished: %d %s", rec.Code, rec.Body)
	}
}

// TestBatchBytesInFlight: the batches being read may announce at most MaxInFlight bytes
// together; one that would pass it is answered 429, while a small one still gets in.
func TestBatchBytesInFlight(t *testing.T) {
	srv := hall.New(newMem(), &hall.Opts{MaxBody: 1 << 20, MaxInFlight: 1 << 20})
	pr, pw := io.Pipe()
	started := make(chan struct{}, 1)
	done := make(chan int)
	go func() {
		req := httptest.NewRequest("POST", hallapi.PathBatches, &signalReader{r: pr, first: started})
		req.ContentLength = 700 << 10
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	<-started
	big := httptest.NewRequest("POST", hallapi.PathBatches, strings.NewReader(strings.Repeat(" ", 700<<10)))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, big)
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("a second 700 KiB batch beside the first: %d, want 429", rec.Code)
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathBatches, strings.NewReader(`{"kiosk_id":"K1","txns":[]}`)))
	if rec.Code != 200 {
		t.Errorf("a small batch beside it: %d %s", rec.Code, rec.Body)
	}
	pw.CloseWithError(io.ErrUnexpectedEOF)
	if code := <-done; code != http.StatusBadRequest {
		t.Errorf("the cut-off first batch: %d", code)
	}
}

// signalReader tells first once the handler starts reading, then reads r.
type signalReader struct {
	r     io.Reader
	first chan<- struct{}
	once  sync.Once
}

func (s *signalReader) Read(p []byte) (int, error) {
	s.once.Do(func() { s.first <- struct{}{} })
	return s.r.Read(p)
}

// TestPermanentlyInvalidRefused replays the review's bad-input probes on a real store: an id
// over 32 KiB was answered 503 "resend later" (a kiosk would resend it for ever), and
// invalid UTF-8 was rewritten to U+FFFD and stored, so the id answered never matched the
// kiosk's. Both are now refused for good, named by their index, and nothing is stored.
func TestPermanentlyInvalidRefused(t *testing.T) {
	h := newHallOnDisk(t)
	long := strings.Repeat("x", 33<<10)
	body := `{"kiosk_id":"K001","txns":[` +
		`{"id":"` + long + `","seq":1,"kind":"help_request","body":{}},` +
		"{\"id\":\"bad-\xff\xfe\",\"seq\":2,\"kind\":\"help_request\",\"body\":{}}," +
		"{\"id\":\"name-bad\",\"seq\":3,\"kind\":\"help_request\",\"taxpayer\":{\"name\":\"\xe5\xbc\",\"id_number\":\"410403196804153016\"},\"body\":{}}," +
		`{"id":"surrogate","seq":4,"kind":"help_request","taxpayer":{"name":"\udc00","id_number":"410403196804153016"},"body":{}},` +
		"{\"id\":\"body-bad\",\"seq\":5,\"kind\":\"help_request\",\"body\":{\"note\":\"\xc3\"}}," +
		`{"id":"fine","seq":6,"kind":"help_request","body":{}}]}`
	res, err := http.Post(h.srv.URL+hallapi.PathBatches, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var resp hallapi.BatchResponse
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil || res.StatusCode != 200 {
		t.Fatalf("status %d: %v", res.StatusCode, err)
	}
	want := []struct {
		id, code string
		index    int
	}{
		{"", hallapi.CodeInvalidTxn, 0},
		{"", hallapi.CodeInvalidText, 1},
		{"", hallapi.CodeInvalidText, 2},
		{"", hallapi.CodeInvalidText, 3},
		{"", hallapi.CodeInvalidText, 4},
	}
	if len(resp.Rejected) != len(want) || len(resp.Accepted) != 1 || resp.Accepted[0] != "fine" {
		t.Fatalf("answer %+v", resp)
	}
	for i, w := range want {
		if r := resp.Rejected[i]; r.ID != w.id || r.Code != w.code || r.Index != w.index {
			t.Errorf("rejection %d: %+v, want %+v", i, r, w)
		}
	}
	es, err := h.store.List(context.Background())
	if err != nil || len(es) != 1 || es[0].Txn.ID != "fine" {
		t.Fatalf("stored %+v %v, want only the valid transaction", es, err)
	}
}

// TestSeqAlarmsAndEvidence replays the review's probe (every batch sent seq 1 and all were
// stored, the signature thrown away): the signed bytes and signature are kept with each
// transaction and verify against the kiosk's key; gaps and repeats in a kiosk's seq are
// alarms, while a resend of stored transactions is not.
func TestSeqAlarmsAndEvidence(t *testing.T) {
	cs, key := kioskTLS(t, "K001")
	store := newMem()
	srv := hall.New(store, &hall.Opts{RequireKiosk: true, Now: func() time.Time { return t0 }})
	send := func(txns ...string) []byte {
		t.Helper()
		body := []byte(`{"kiosk_id":"K001","txns":[` + strings.Join(txns, ",") + `]}`)
		req := httptest.NewRequest("POST", hallapi.PathBatches, bytes.NewReader(body))
		req.TLS = cs
		req.Header.Set(hallapi.HeaderSignature, hallapi.SignBody(key, body))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("batch: %d %s", rec.Code, rec.Body)
		}
		return body
	}
	help := func(id string, seq int) string {
		return fmt.Sprintf(`{"id":%q,"seq":%d,"kind":"help_request","body":{}}`, id, seq)
	}
	first := send(help("a", 1), help("b", 2))
	send(help("a", 1), help("b", 2)) // a resend after a lost answer
	send(help("e", 5))               // 3 and 4 never came
	send(help("x", 2))               // a new transaction with b's seq
	send(help("c", 3))               // 3 arrives late: it fills the gap, no new alarm
	send(help("p1", 1))              // the review's probe: seq 1 again
	as, err := srv.Alarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, detail string }{
		{hall.AlarmSeqGap, "seq 3 to 4 missing before transaction e"},
		{hall.AlarmSeqRepeat, "seq 2 of transaction x is held by transaction b"},
		{hall.AlarmSeqRepeat, "seq 1 of transaction p1 is held by transaction a"},
	}
	if len(as) != len(want) {
		t.Fatalf("alarms %+v, want %d", as, len(want))
	}
	for i, w := range want {
		if as[i].Kind != w.kind || as[i].Detail != w.detail || as[i].KioskID != "K001" || !as[i].At.Equal(t0) {
			t.Errorf("alarm %d: %+v, want %s %q", i, as[i], w.kind, w.detail)
		}
	}
	ev, err := store.Evidence(context.Background(), "K001", "b")
	if err != nil || !bytes.Equal(ev.Body, first) {
		t.Fatalf("evidence of b: %q %v", ev.Body, err)
	}
	pub := key.Public().(ed25519.PublicKey)
	if !hallapi.VerifyBody(pub, ev.Body, ev.Signature) {
		t.Fatal("the kept signature does not verify over the kept bytes")
	}
}
