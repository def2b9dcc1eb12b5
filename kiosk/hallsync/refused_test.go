package hallsync

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// refusingHall is the real hall behind a front that answers a whole batch with status and
// code whenever it carries a transaction whose body holds marker: the way a hall refuses
// input that can never be valid (an id over its limit, a body it cannot parse).
func refusingHall(t *testing.T, marker string, status int, code string) *httptest.Server {
	t.Helper()
	key, _ := seal.NewKey(bytes.Repeat([]byte{5}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	inner := hall.New(store, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == hallapi.PathBatches && bytes.Contains(body, []byte(marker)) {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(hallapi.ErrorBody{Code: code, Message: "refused for good"})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// The review: a transaction the hall answers with a 4xx was resent for ever, and everything
// queued behind it with it.
func TestPermanentlyRefusedTransactionLeavesTheQueue(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{{400, hallapi.CodeInvalidTxn}, {413, hallapi.CodeTooLarge}, {422, "amount_out_of_range"}} {
		ts := refusingHall(t, "poison", c.status, c.code)
		ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
		good := enqueue(t, ob, 2)
		bad, err := ob.Enqueue(t.Context(), txn.Txn{Kind: txn.KindVATReturn, Body: []byte(`{"note":"poison"}`)})
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, enqueue(t, ob, 2)...)
		s := New(ob, &hallapi.Client{BaseURL: ts.URL}, fast)
		s.Start()
		waitFor(t, "the refused one settled and the rest approved", func() bool {
			st := ob.Stats()
			return st.Counts[txn.Rejected] == 1 && st.Counts[txn.Approved] == len(good)
		})
		s.Halt()
		r, _ := ob.Get(bad.ID)
		if r.State != txn.Rejected || r.Result.Code != c.code {
			t.Fatalf("%d %s: refused record %+v", c.status, c.code, r)
		}
	}
}

// A 4xx about the kiosk (its signature, the hall's rate limit) is no transaction's fault:
// everything stays queued.
func TestKioskLevelRefusalKeepsTheQueue(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{{401, hallapi.CodeBadSig}, {429, "rate_limited"}, {403, hallapi.CodeWrongKiosk}} {
		ts := refusingHall(t, "K001", c.status, c.code) // every batch of this kiosk
		ob := openOutbox(t, filepath.Join(t.TempDir(), "outbox.db"), "K001")
		enqueue(t, ob, 1)
		s := New(ob, &hallapi.Client{BaseURL: ts.URL}, nil)
		if err := s.syncOnce(t.Context()); err == nil {
			t.Fatalf("%d: no error", c.status)
		}
		if st := ob.Stats(); st.Counts[txn.Queued] != 1 || st.Counts[txn.Rejected] != 0 {
			t.Fatalf("%d %s: %+v", c.status, c.code, st.Counts)
		}
	}
}

// The review: one record whose sealed data no longer opened stalled the whole queue.
func TestUnreadableRecordDoesNotStallDelivery(t *testing.T) {
	h := startHall(t, filepath.Join(t.TempDir(), "hall"))
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := outbox.Open(path, &outbox.Opts{KioskID: "K001", Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, ob, 3)
	ob.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { // the first record's JSON torn in half
		b := tx.Bucket([]byte("records"))
		k, v := b.Cursor().First()
		return b.Put(k, append([]byte(nil), v[:len(v)/2]...))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ob = openOutbox(t, path, "K001")
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, fast)
	s.Start()
	waitFor(t, "the two sound records approved", func() bool { return ob.Stats().Counts[txn.Approved] == 2 })
	s.Halt()
	st := ob.Stats()
	if st.Quarantined != 1 || st.Pending() != 0 {
		t.Fatalf("stats %+v", st)
	}
	if ls := h.audit(t); len(ls) != 2 {
		t.Fatalf("hall holds %d, want 2", len(ls))
	}
}
