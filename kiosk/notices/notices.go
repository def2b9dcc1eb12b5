package notices

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/boltfile"
	"taxkiosk/kiosk/hallapi"
)

var (
	bucket = []byte("notices")
	kList  = []byte("list")
)

// stored is the list as the hall last gave it.
type stored struct {
	At      time.Time        `json:"at"` // when the kiosk received it
	Notices []hallapi.Notice `json:"notices"`
}

// Cache is the kiosk's copy of the hall's notices. It is safe for concurrent use.
type Cache struct {
	db *bolt.DB
}

// Open opens or creates the cache at path.
func Open(path string) (*Cache, error) {
	db, err := boltfile.Open(path, false, 2*time.Second, boltfile.Errs{Locked: ErrLocked, Storage: ErrStorage, Corrupt: ErrCorrupt})
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	return &Cache{db: db}, nil
}

// String is safe for logs.
func (c *Cache) String() string { return "notices(" + c.db.Path() + ")" }

// Close closes the file.
func (c *Cache) Close() error { return c.db.Close() }

// SetNotices replaces the list with the hall's answer of at.
func (c *Cache) SetNotices(ns []hallapi.Notice, at time.Time) error {
	v, err := json.Marshal(stored{At: at.UTC(), Notices: ns})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	if err := c.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(kList, v) }); err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	return nil
}

// Current returns the notices to show at now, by start, and when the hall last gave the
// list (zero: never).
func (c *Cache) Current(now time.Time) ([]hallapi.Notice, time.Time, error) {
	var s stored
	err := c.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get(kList)
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	out := slices.DeleteFunc(s.Notices, func(n hallapi.Notice) bool { return !n.Current(now) })
	slices.SortStableFunc(out, func(a, b hallapi.Notice) int { return a.Start.Compare(b.Start) })
	return out, s.At, nil
}
