package boltfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
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
