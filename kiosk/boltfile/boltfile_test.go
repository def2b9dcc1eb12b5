package boltfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/boltfile/bolttest"
)

var (
	errLocked  = errors.New("locked")
	errStorage = errors.New("storage")
	errCorrupt = errors.New("corrupt")
	errs       = Errs{Locked: errLocked, Storage: errStorage, Corrupt: errCorrupt}
)

func TestOpenSortsFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	db, err := Open(path, false, 50*time.Millisecond, errs)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if _, err := Open(path, false, 50*time.Millisecond, errs); !errors.Is(err, errLocked) {
		t.Fatalf("held by another handle: %v", err)
	}
	db.Close()

	missing := filepath.Join(dir, "none.db")
	if _, err := Open(missing, true, time.Second, errs); !errors.Is(err, errStorage) {
		t.Fatalf("read-only missing: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a read-only open created the file")
	}
	if _, err := Open(filepath.Join(dir, "no", "dir.db"), false, time.Second, errs); !errors.Is(err, errStorage) {
		t.Fatalf("missing directory: %v", err)
	}

	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, make([]byte, 64*1024), 0o600)
	func() {
		defer func() { recover() }() // bbolt may panic on some damage; callers recover
		if _, err := Open(junk, false, time.Second, errs); !errors.Is(err, errCorrupt) {
			t.Fatalf("zeroed file: %v", err)
		}
	}()
}

// A leaf page whose flags say neither leaf nor branch made bbolt's tx.Check panic on its own
// goroutine and killed the process; Open must report it as damage and leave the file as is.
func TestOpenReportsDamagedLeafWithoutCrashing(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "a.db")
		fill(t, path)
		bolttest.CorruptLeaf(t, path)
		before, _ := os.ReadFile(path)
		if _, err := Open(path, readOnly, time.Second, errs); !errors.Is(err, errCorrupt) {
			t.Fatalf("read-only %v: %v", readOnly, err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Fatalf("read-only %v: the damaged file was changed", readOnly)
		}
	}
}

func TestOpenAcceptsSoundFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	fill(t, path)
	for _, readOnly := range []bool{false, true} {
		db, err := Open(path, readOnly, time.Second, errs)
		if err != nil {
			t.Fatalf("read-only %v: %v", readOnly, err)
		}
		db.Close()
	}
}

// fill writes a file with nested buckets and enough keys for several leaf pages.
func fill(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("records"))
		if err != nil {
			return err
		}
		inner, err := b.CreateBucket([]byte("inner"))
		if err != nil {
			return err
		}
		for i := range 500 {
			k := fmt.Appendf(nil, "%06d", i)
			if err := b.Put(k, bytes.Repeat([]byte{'x'}, 64)); err != nil {
				return err
			}
			if err := inner.Put(k, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkOpenChecked is what the structure check adds to a kiosk's start: Open (walk and
// bbolt's check) of a file with 10,000 records of 600 bytes, about an outbox's worth.
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "a.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("records"))
		if err != nil {
			return err
		}
		for i := range 10000 {
			if err := bk.Put(fmt.Appendf(nil, "%08d", i), bytes.Repeat([]byte{'x'}, 600)); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	for _, readOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("readOnly=%v", readOnly), func(b *testing.B) {
			for b.Loop() {
				db, err := Open(path, readOnly, time.Second, errs)
				if err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}
