package hallsync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/netsim"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// fast keeps backoff short so link tests finish in seconds; the shape is the production one.
var fast = &Opts{BaseBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, RequestTimeout: 10 * time.Second}

func TestBackoff(t *testing.T) {
	base, max := 500*time.Millisecond, 30*time.Second
	for _, c := range []struct {
		failures int
		r        float64
		want     time.Duration
	}{
		{1, 0, 250 * time.Millisecond},
		{1, 0.999999, 499999 * time.Microsecond},
		{2, 0, 500 * time.Millisecond},
		{3, 0.5, 1500 * time.Millisecond},
		{7, 0, 15 * time.Second},   // 500 ms * 2^6 = 32 s, capped at 30 s
		{100, 0, 15 * time.Second}, // no overflow
		{100, 0.5, 22500 * time.Millisecond},
	} {
		got := Backoff(c.failures, base, max, c.r)
		if got.Round(time.Millisecond) != c.want.Round(time.Millisecond) {
			t.Errorf("Backoff(%d, r=%v) = %v, want %v", c.failures, c.r, got, c.want)
		}
	}
}

func TestOnlineDelivers(t *testing.T) {
	testOnlineDelivers(t, startHall(t, filepath.Join(t.TempDir(), "hall")))
}

// TestOnlineDeliversPostgres is TestOnlineDelivers with the hall on PostgreSQL
// (HALL_TEST_POSTGRES), in a schema of its own that is dropped afterwards.
func TestOnlineDeliversPostgres(t *testing.T) {
	dsn := os.Getenv("HALL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("HALL_TEST_POSTGRES not set: hall on PostgreSQL not tested")
	}
	schema := fmt.Sprintf("hallsync_%d", os.Getpid())
	store := []string{"--db", dsn, "--db-schema", schema}
	h := startHallArgs(t, filepath.Join(t.TempDir(), "hall"), store...)
	h.Store = store
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	testOnlineDelivers(t, h)
}

func testOnlineDelivers(t *testing.T, h *hallProc) {
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, &Opts{BatchSize: 10})
	if st := s.Status(); st.Tried || st.Online {
		t.Fatalf("before any exchange: %+v, want neither tried nor online", st)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Start: %v", err)
	}
	ids := enqueue(t, ob, 25)
	waitFor(t, "25 approved", func() bool { return ob.Stats().Counts[txn.Approved] == 25 })
	waitFor(t, "online status", func() bool { st := s.Status(); return st.Online && st.Tried && st.Queued == 0 })
	s.Halt()
	r, _ := ob.Get(ids[7])
	if r.Result.Code != "accepted" || r.Attempts != 1 || r.AckedAt.IsZero() {
		t.Fatalf("record after delivery %+v", r)
	}
	ls := h.audit(t)
	lost, dup := checkExactlyOnce(t, ls, "K001", ids)
	if len(ls) != 25 || lost != 0 || dup != 0 {
		t.Fatalf("hall holds %d, lost %d, duplicated %d", len(ls), lost, dup)
	}
}

func TestCutAndRestore(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	p, err := netsim.New(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	s := New(ob, &hallapi.Client{BaseURL: p.URL()}, fast)
	states, unsubscribe := s.Subscribe()
	defer unsubscribe()
	s.Start()
	defer s.Halt()
	ids := enqueue(t, ob, 1)
	waitFor(t, "first delivery", func() bool { return ob.Stats().Counts[txn.Approved] == 1 })

	p.Cut()
	ids = append(ids, enqueue(t, ob, 10)...)
	waitFor(t, "offline status", func() bool { st := s.Status(); return !st.Online && st.Tried && st.Failures >= 3 })
	sawOffline := false
	for len(states) > 0 || !sawOffline {
		st := <-states
		sawOffline = sawOffline || (!st.Online && st.LastError != "")
	}
	if st := ob.Stats(); st.Pending() != 10 || st.Counts[txn.Approved] != 1 || st.LastError == "" {
		t.Fatalf("while cut: %+v", st)
	}
	if n := len(storedIDs(t, h.URL, "K001")); n != 1 {
		t.Fatalf("hall stored %d while cut", n)
	}

	p.Restore() // no Wake: the loop must find the link again by itself
	waitFor(t, "delivery after restore", func() bool { return ob.Stats().Counts[txn.Approved] == 11 })
	waitFor(t, "online status", func() bool { return s.Status().Online })
	s.Halt()
	ls := h.audit(t)
	if lost, dup := checkExactlyOnce(t, ls, "K001", ids); len(ls) != 11 || lost != 0 || dup != 0 {
		t.Fatalf("hall holds %d, lost %d, duplicated %d", len(ls), lost, dup)
	}
}

// TestBadAnswersStoredOnce: whatever becomes of the answer, a resend is stored once.
func TestBadAnswersStoredOnce(t *testing.T) {
	for _, f := range []netsim.Fault{netsim.DropResponse, netsim.Truncate, netsim.Error5xx, netsim.Refuse} {
		t.Run(string(f), func(t *testing.T) {
			h := startHall(t, filepath.Join(t.TempDir(), "hall"))
			p, err := netsim.New(h.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
			ids := enqueue(t, ob, 5)
			p.FailNext(f, 1)
			s := New(ob, &hallapi.Client{BaseURL: p.URL()}, fast)
			s.Start()
			waitFor(t, "5 approved", func() bool { return ob.Stats().Counts[txn.Approved] == 5 })
			s.Halt()
			r, _ := ob.Get(ids[0])
			if r.Attempts != 2 {
				t.Errorf("attempts = %d, want 2 (one faulted, one resend)", r.Attempts)
			}
			ls := h.audit(t)
			if lost, dup := checkExactlyOnce(t, ls, "K001", ids); len(ls) != 5 || lost != 0 || dup != 0 {
				t.Fatalf("hall holds %d, lost %d, duplicated %d", len(ls), lost, dup)
			}
		})
	}
}

func TestSyncOnceRejectedAndUnreachable(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	good := enqueue(t, ob, 1)
	odd, err := ob.Enqueue(t.Context(), txn.Txn{Kind: "land_tax_refund"})
	if err != nil {
		t.Fatal(err)
	}
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, nil)
	if err := s.syncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	r, _ := ob.Get(odd.ID)
	if r.State != txn.Rejected || r.Result.Code != hallapi.CodeUnknownKind {
		t.Fatalf("unknown kind: %+v", r)
	}
	if r, _ := ob.Get(good[0]); r.State != txn.Approved {
		t.Fatalf("good: %+v", r)
	}

	more := enqueue(t, ob, 2)
	h.stop()
	err = s.syncOnce(t.Context())
	if !errors.Is(err, hallapi.ErrUnreachable) {
		t.Fatalf("hall stopped: %v", err)
	}
	r, _ = ob.Get(more[1])
	if r.State != txn.Queued || r.Attempts != 1 || r.LastError == "" {
		t.Fatalf("after failed send: %+v", r)
	}
	if _, err := ob.Get("nope"); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatal(err)
	}
}

// TestMutualTLSDelivers runs the hall with kiosk certificates made by `hall certs` and
// delivers signed batches through the TCP proxy.
func TestMutualTLSDelivers(t *testing.T) {
	dir := t.TempDir()
	certDir := filepath.Join(dir, "certs")
	for _, args := range [][]string{{"certs", "init", "--dir", certDir}, {"certs", "issue", "--dir", certDir, "--kiosk", "K001"}} {
		if out, err := exec.Command(hallBin, args...).CombinedOutput(); err != nil {
			t.Fatalf("hall %v: %v\n%s", args, err, out)
		}
	}
	h := startHallArgs(t, filepath.Join(dir, "hall"), "--tls", certDir)
	if !strings.HasPrefix(h.URL, "https://") {
		t.Fatalf("hall URL %s", h.URL)
	}
	p, err := netsim.New(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cfg, key, err := mtls.ClientConfig(certDir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	ob := openOutbox(t, filepath.Join(dir, "outbox.db"), "K001")
	c := &hallapi.Client{BaseURL: "https://" + p.Addr(), SigningKey: key,
		HTTP: &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}}
	s := New(ob, c, fast)
	s.Start()
	ids := enqueue(t, ob, 3)
	p.FailNext(netsim.DropResponse, 1)
	ids = append(ids, enqueue(t, ob, 3)...)
	waitFor(t, "6 approved over mTLS", func() bool { return ob.Stats().Counts[txn.Approved] == 6 })
	s.Halt()
	ls := h.audit(t)
	if lost, dup := checkExactlyOnce(t, ls, "K001", ids); len(ls) != 6 || lost != 0 || dup != 0 {
		t.Fatalf("hall holds %d, lost %d, duplicated %d", len(ls), lost, dup)
	}
}

// TestResultsPulledLater: a hall that answers batches without results (it decides later)
// has its results fetched from /v1/results, and the cursor survives a restart.
func TestResultsPulledLater(t *testing.T) {
	dir := t.TempDir()
	key, _ := seal.NewKey(bytes.Repeat([]byte{5}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	inner := hall.New(store, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != hallapi.PathBatches {
			inner.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		var resp hallapi.BatchResponse
		json.Unmarshal(rec.Body.Bytes(), &resp)
		resp.Results = nil
		json.NewEncoder(w).Encode(resp)
	}))
	defer ts.Close()
	ob := openOutbox(t, filepath.Join(dir, "outbox.db"), "K001")
	s := New(ob, &hallapi.Client{BaseURL: ts.URL}, &Opts{ResultsEvery: 20 * time.Millisecond})
	s.Start()
	enqueue(t, ob, 3)
	waitFor(t, "results pulled", func() bool { return ob.Stats().Counts[txn.Approved] == 3 })
	s.Halt()
	if cur, err := ob.ResultsCursor(); err != nil || cur != 3 {
		t.Fatalf("results cursor %d %v", cur, err)
	}
}

// TestWakeSkipsBackoff: with an hour of backoff ahead, Wake (a technician's "retry now")
// delivers at once.
func TestWakeSkipsBackoff(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	p, err := netsim.New(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	s := New(ob, &hallapi.Client{BaseURL: p.URL()}, &Opts{BaseBackoff: time.Hour, MaxBackoff: time.Hour})
	p.Cut()
	s.Start()
	defer s.Halt()
	enqueue(t, ob, 2)
	waitFor(t, "a failed attempt", func() bool { return s.Status().Failures >= 1 })
	p.Restore()
	s.Wake()
	waitFor(t, "delivery after Wake", func() bool { return ob.Stats().Counts[txn.Approved] == 2 })
	waitFor(t, "online status", func() bool {
		st := s.Status()
		return st.Online && st.Queued == 0 && !st.LastSync.IsZero() && st.Failures == 0
	})
}

// TestIdleProbeTellsTheTruth: with nothing to send, the status still follows the link, so the
// kiosk's network indicator never shows "online" over a cut cable.
func TestIdleProbeTellsTheTruth(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	p, err := netsim.New(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	opts := *fast
	opts.ProbeEvery = 50 * time.Millisecond
	s := New(ob, &hallapi.Client{BaseURL: p.URL()}, &opts)
	s.Start()
	defer s.Halt()
	waitFor(t, "online at start", func() bool { return s.Status().Online })
	p.Cut()
	waitFor(t, "offline while idle and cut", func() bool { return !s.Status().Online })
	p.Restore()
	waitFor(t, "online again", func() bool { return s.Status().Online })
}

// TestRefusedForGoodNotRetried: what the hall refuses for good (an id too long, a name the
// card reader garbled (the outbox's JSON has made it U+FFFD), a transaction too large on its own) is recorded as
// refused by the hall after one attempt, never resent for ever, and does not hold back
// what waits behind it.
func TestRefusedForGoodNotRetried(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
	enq := func(tx txn.Txn) string { return enqueueTxn(t, ob, tx) }
	long := enq(txn.Txn{ID: strings.Repeat("x", 200), Kind: txn.KindHelpRequest})
	badName := enq(txn.Txn{Kind: txn.KindHelpRequest, Taxpayer: &txn.Taxpayer{Name: "\xe5\xbc", IDNumber: "41040219800101123X"}})
	good := enqueue(t, ob, 1)[0]
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, nil)
	if err := s.syncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	for id, code := range map[string]string{long: hallapi.CodeInvalidTxn, badName: hallapi.CodeInvalidText} {
		r, _ := ob.Get(id)
		if r.State != txn.Rejected || r.Result.Code != code || r.Attempts != 1 {
			t.Errorf("%q: %s %s after %d attempts, want rejected %s after 1", id[:min(len(id), 8)], r.State, r.Result.Code, r.Attempts, code)
		}
	}
	if r, _ := ob.Get(good); r.State != txn.Approved {
		t.Errorf("the valid transaction behind them: %s", r.State)
	}
	if n := ob.Stats().Counts[txn.Queued]; n != 0 {
		t.Errorf("%d still queued", n)
	}

	// A transaction larger than the hall takes even alone: the batch halves down to it, and
	// then it is refused instead of resent.
	key := testKey(t)
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "small.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	small := httptest.NewServer(hall.New(store, &hall.Opts{MaxBody: 4 << 10}))
	defer small.Close()
	ob2 := openOutbox(t, filepath.Join(t.TempDir(), "outbox2.db"), "K002")
	big := enqueueTxn(t, ob2, txn.Txn{Kind: txn.KindHelpRequest, Body: []byte(`{"note":"` + strings.Repeat("n", 8<<10) + `"}`)})
	after := enqueue(t, ob2, 1)[0]
	s2 := New(ob2, &hallapi.Client{BaseURL: small.URL}, &Opts{BatchSize: 2})
	for i := 0; i < 4 && ob2.Stats().Counts[txn.Queued] > 0; i++ {
		s2.syncOnce(t.Context())
	}
	if r, _ := ob2.Get(big); r.State != txn.Rejected || r.Result.Code != hallapi.CodeTooLarge {
		t.Errorf("too large alone: %s %s", r.State, r.Result.Code)
	}
	if r, _ := ob2.Get(after); r.State != txn.Approved {
		t.Errorf("the transaction behind the large one: %s", r.State)
	}
}

func enqueueTxn(t *testing.T, ob *outbox.Outbox, tx txn.Txn) string {
	t.Helper()
	got, err := ob.Enqueue(t.Context(), tx)
	if err != nil {
		t.Fatal(err)
	}
	return got.ID
}
