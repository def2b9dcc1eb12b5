package hall_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
)

// BenchmarkFirstLookupAfterRestart is the first lookup a restarted hall answers, over a
// bbolt store holding HALL_BENCH_STORED transactions (default 1,000) with a taxpayer each:
// the payment ledger is rebuilt from the store before the answer. Each iteration is a
// new Server over the same store, as after a restart.
//
//	go test -run '^$' -bench FirstLookupAfterRestart ./kiosk/hall/
func BenchmarkFirstLookupAfterRestart(b *testing.B) {
	key, _ := seal.NewKey(bytes.Repeat([]byte{7}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(b.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	n := envInt("HALL_BENCH_STORED", 1000)
	for i := 0; i < n; i += 100 {
		batch := make([]hall.Entry, 0, 100)
		for j := i; j < min(n, i+100); j++ {
			batch = append(batch, storetest.Entry("K1", fmt.Sprintf("t%06d", j), uint64(j+1)))
		}
		if _, err := store.PutBatch(ctx, "K1", batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv := hall.New(store, nil)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathLookup, lookupBody(idZhang, time.Now())))
		if rec.Code != 200 {
			b.Fatalf("lookup: %d %s", rec.Code, rec.Body)
		}
	}
}

// TestLookupAfterRestartOpensNoTaxpayer: the first lookup after a restart rebuilt the payment
// ledger by opening every stored transaction's taxpayer (0.43 s for 1,022 records in the
// review). Now it reads the payments index only: a store whose taxpayers the hall could not
// even open (here, reopened under another key) still answers lookups and payments.
func TestLookupAfterRestartOpensNoTaxpayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hall.db")
	key, _ := seal.NewKey(bytes.Repeat([]byte{7}, seal.KeySize))
	store, err := boltstore.Open(path, &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := store.PutBatch(ctx, "K1", []hall.Entry{storetest.Entry("K1", "a", 1), storetest.Entry("K1", "b", 2)}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	other, _ := seal.NewKey(bytes.Repeat([]byte{8}, seal.KeySize))
	store, err = boltstore.Open(path, &boltstore.Opts{Key: other})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.List(ctx); err == nil {
		t.Fatal("List opened taxpayers sealed under another key")
	}
	srv := hall.New(store, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", hallapi.PathLookup, lookupBody(idZhang, time.Now())))
	if rec.Code != 200 {
		t.Fatalf("first lookup after restart: %d %s", rec.Code, rec.Body)
	}
}

// lookupBody is a lookup request for idNumber in a card session read at at.
func lookupBody(idNumber string, at time.Time) io.Reader {
	sess := session(at)
	b, _ := json.Marshal(hallapi.LookupRequest{IDNumber: idNumber, Session: &sess})
	return bytes.NewReader(b)
}
