package boltfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Errs are the caller's sentinels for the three ways an open fails.
type Errs struct {
	Locked  error // another process holds the file
	Storage error // the file cannot be opened or locked at all (permissions, missing directory)
	Corrupt error // the file's content is not a database bbolt can use
}

// Open opens the bbolt file at path, waiting at most timeout for another process's lock, and
// checks its structure (Check) before handing it out: a damaged file is reported as
// e.Corrupt, left as it was, and never crashes the caller.
func Open(path string, readOnly bool, timeout time.Duration, e Errs) (db *bolt.DB, err error) {
	if readOnly {
		// bbolt would create a missing file even read-only; a tool must not leave one behind.
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: open %s: %w", e.Storage, path, err)
		}
	}
	// bbolt panics on some damaged pages already while opening (a freelist page that is not
	// one); the caller gets e.Corrupt, not a crash.
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			db, err = nil, fmt.Errorf("%w: %s: %v", e.Corrupt, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: readOnly})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s: %w", e.Locked, path, err)
	case errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("%w: open %s: %w", e.Storage, path, err)
	case err != nil:
		// Everything else bbolt says at open is about the file's content: bad magic, checksum,
		// version, a size no database has.
		return nil, fmt.Errorf("%w: %s: %w", e.Corrupt, path, err)
	}
	if err := Check(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s: %w", e.Corrupt, path, err)
	}
	return db, nil
}
