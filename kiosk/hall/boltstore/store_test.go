package boltstore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/seal"
)

func key(t testing.TB) *seal.Key {
	k, err := seal.NewKey(bytes.Repeat([]byte{0x33}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func open(t testing.TB) (*Store, string) {
	path := filepath.Join(t.TempDir(), "hall.db")
	s, err := Open(path, &Opts{Key: key(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			t.Errorf("reopen: %v", err)
			return
		}
		defer db.Close()
		db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				t.Errorf("bbolt check: %v", err)
			}
			return nil
		})
		raw, _ := os.ReadFile(path)
		for _, secret := range []string{storetest.Persona.Name, storetest.Persona.IDNumber, storetest.Persona.Address} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("hall file holds %q in plaintext", secret)
			}
		}
	})
	return s, path
}

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hall.Store {
		s, _ := open(t)
		return s
	})
}

func TestReopenKeepsDedup(t *testing.T) {
	s, path := open(t)
	ctx := context.Background()
	if _, err := s.PutBatch(ctx, "K1", []hall.Entry{storetest.Entry("K1", "a", 1)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path, nil); err == nil {
		t.Fatal("Open without a key succeeded")
	}
	s2, err := Open(path, &Opts{Key: key(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := Open(path, &Opts{Key: key(t), LockTimeout: 50 * time.Millisecond}); err == nil {
		t.Fatal("second process-level open succeeded")
	}
	outs, err := s2.PutBatch(ctx, "K1", []hall.Entry{storetest.Entry("K1", "a", 1), storetest.Entry("K1", "b", 2)})
	if err != nil || !outs[0].Duplicate || outs[1].Duplicate || outs[1].Cursor != 2 {
		t.Fatalf("after reopen: %+v %v", outs, err)
	}
	if n, _ := s2.Count(ctx); n != 2 {
		t.Fatalf("Count = %d", n)
	}
}

// TestPaymentsIndexBuiltForOldFiles: a file written before the payments index existed gets
// it on Open, from its records, so that a restarted hall's ledger still knows every payment.
func TestPaymentsIndexBuiltForOldFiles(t *testing.T) {
	s, path := open(t)
	ctx := context.Background()
	pay := storetest.Entry("K1", "p", 2)
	pay.Txn.Kind = "tax_payment"
	if _, err := s.PutBatch(ctx, "K1", []hall.Entry{storetest.Entry("K1", "v", 1), pay}); err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bPayments) }) // as an older hall wrote it
	s.Close()
	s2, err := Open(path, &Opts{Key: key(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ps, err := s2.Payments(ctx)
	if err != nil || len(ps) != 1 || ps[0].Txn.ID != "p" {
		t.Fatalf("Payments after reopen = %+v %v", ps, err)
	}
}
