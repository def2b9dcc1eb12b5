package entcache

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/boltfile"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
)

// DefaultMaxAge is how long an entry is served when Opts.MaxAge is zero.
const DefaultMaxAge = 30 * 24 * time.Hour

var bucket = []byte("enterprises")

// Opts configures Open. A nil *Opts means the zero value of every field.
type Opts struct {
	MaxAge time.Duration    // zero means DefaultMaxAge
	Now    func() time.Time // nil means time.Now
}

// Cache is the enterprise cache. It is safe for concurrent use.
type Cache struct {
	db   *bolt.DB
	key  *seal.Key
	opts Opts
}

// entry is one sealed record.
type entry struct {
	At          time.Time            `json:"at"`
	Enterprises []hallapi.Enterprise `json:"enterprises"`
}

// Open opens or creates the cache file at path, and drops expired entries.
func Open(path string, key *seal.Key, opts *Opts) (*Cache, error) {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	db, err := boltfile.Open(path, false, 2*time.Second, boltfile.Errs{Locked: ErrLocked, Storage: ErrStorage, Corrupt: ErrCorrupt})
	if err != nil {
		return nil, err
	}
	c := &Cache{db: db, key: key, opts: o}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	if _, err := c.Purge(); err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

// Put records what the hall answered for idNumber at time at.
func (c *Cache) Put(idNumber string, list []hallapi.Enterprise, at time.Time) error {
	tag := c.key.Tag([]byte(idNumber))
	plain, err := json.Marshal(entry{At: at, Enterprises: list})
	if err != nil {
		return err
	}
	sealed := c.key.Seal(plain, tag)
	if err := c.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(tag, sealed) }); err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	return nil
}

// Get returns the enterprises last recorded for idNumber and when the hall said so; ok is
// false when there is none or it expired (an expired entry is dropped).
func (c *Cache) Get(idNumber string) (list []hallapi.Enterprise, at time.Time, ok bool, err error) {
	tag := c.key.Tag([]byte(idNumber))
	var sealed []byte
	c.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucket).Get(tag); v != nil {
			sealed = append([]byte(nil), v...)
		}
		return nil
	})
	if sealed == nil {
		return nil, time.Time{}, false, nil
	}
	e, err := c.open(tag, sealed)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	if c.expired(e.At) {
		c.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Delete(tag) })
		return nil, time.Time{}, false, nil
	}
	return e.Enterprises, e.At, true, nil
}

func (c *Cache) open(tag, sealed []byte) (entry, error) {
	plain, err := c.key.Open(sealed, tag)
	if err != nil {
		return entry{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	var e entry
	if err := json.Unmarshal(plain, &e); err != nil {
		return entry{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return e, nil
}

func (c *Cache) expired(at time.Time) bool { return c.opts.Now().Sub(at) > c.opts.MaxAge }

// Purge drops every expired entry, and every entry this kiosk's key cannot open (written
// under an earlier key: unreadable for ever). It returns how many it dropped.
func (c *Cache) Purge() (int, error) {
	n := 0
	err := c.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		var drop [][]byte
		b.ForEach(func(k, v []byte) error {
			if e, err := c.open(k, v); err != nil || c.expired(e.At) {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(drop)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	return n, nil
}

// Len is how many entries the cache holds.
func (c *Cache) Len() int {
	n := 0
	c.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil })
	return n
}

// Close closes the file.
func (c *Cache) Close() error { return c.db.Close() }

// String names the cache without its content.
func (c *Cache) String() string { return "entcache.Cache(" + c.db.Path() + ")" }
