package boltstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// Opts configures a Store. Key is required.
type Opts struct {
	Key         *seal.Key     // seals personal data; required
	LockTimeout time.Duration // wait for a file another process holds; zero: 1 s
}

// Store is a hall.Store on bbolt. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	key   *seal.Key
	path  string
	group groupCommit
}

var _ hall.Store = (*Store)(nil)

var (
	bKiosks = []byte("kiosks")
	bMeta   = []byte("meta")
	bRecs   = []byte("records")
	bIDs    = []byte("ids")
	kCount  = []byte("count")
)

type record struct {
	Txn        txn.Txn    `json:"txn"` // Taxpayer nil
	Sealed     []byte     `json:"sealed,omitempty"`
	Result     txn.Result `json:"result"`
	ReceivedAt time.Time  `json:"received_at"`
	Cursor     uint64     `json:"cursor"`
}

// Open opens or creates the store at path.
func Open(path string, opts *Opts) (st *Store, err error) {
	if opts == nil || opts.Key == nil {
		return nil, fmt.Errorf("%w: boltstore needs Opts.Key", hall.ErrInvalid)
	}
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	defer func() {
		if r := recover(); r != nil { // bbolt panics on some damaged pages
			st, err = nil, fmt.Errorf("%w: %s: %v", hall.ErrCorrupt, path, r)
		}
	}()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s is in use by another process", hall.ErrStorage, path)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", hall.ErrStorage, path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bKiosks); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bMeta)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: init %s: %w", hall.ErrStorage, path, err)
	}
	return &Store{db: db, key: opts.Key, path: path}, nil
}

// String is safe for logs.
func (s *Store) String() string { return "boltstore(" + s.path + ")" }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func aad(kiosk, id string) []byte { return []byte(kiosk + "/" + id) }

// PutBatch implements hall.Store.
func (s *Store) PutBatch(ctx context.Context, kioskID string, entries []hall.Entry) ([]hall.Outcome, error) {
	if kioskID == "" {
		return nil, fmt.Errorf("%w: empty kiosk id", hall.ErrInvalid)
	}
	// Seal outside the write lock: it is the costly part and needs no database state.
	recs := make([]record, len(entries))
	for i, e := range entries {
		if e.Txn.ID == "" {
			return nil, fmt.Errorf("%w: empty transaction id", hall.ErrInvalid)
		}
		recs[i] = record{Txn: e.Txn, Result: e.Result, ReceivedAt: e.ReceivedAt.UTC()}
		recs[i].Txn.Taxpayer = nil
		recs[i].Txn.KioskID = kioskID
		if e.Txn.Taxpayer != nil {
			pt, err := json.Marshal(e.Txn.Taxpayer)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
			}
			recs[i].Sealed = s.key.Seal(pt, aad(kioskID, e.Txn.ID))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outs := make([]hall.Outcome, len(entries))
	// The batches of kiosks posting at the same moment are committed together, one fsync for
	// all (groupCommit); the function may run again alone when another of its group fails,
	// so it only writes what it recomputes.
	err := s.group.do(s.db, func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		kb, err := tx.Bucket(bKiosks).CreateBucketIfNotExists([]byte(kioskID))
		if err != nil {
			return err
		}
		recsB, err := kb.CreateBucketIfNotExists(bRecs)
		if err != nil {
			return err
		}
		ids, err := kb.CreateBucketIfNotExists(bIDs)
		if err != nil {
			return err
		}
		recsB.FillPercent = 1.0 // cursors only grow: pack pages full, as an append log
		added := 0
		for i := range recs {
			id := []byte(recs[i].Txn.ID)
			if cur := ids.Get(id); cur != nil {
				var prev record
				if err := json.Unmarshal(recsB.Get(cur), &prev); err != nil {
					return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kioskID, recs[i].Txn.ID, err)
				}
				outs[i] = hall.Outcome{Duplicate: true, Result: prev.Result, Cursor: prev.Cursor}
				continue
			}
			cur, err := recsB.NextSequence()
			if err != nil {
				return err
			}
			recs[i].Cursor = cur
			v, err := json.Marshal(&recs[i])
			if err != nil {
				return err
			}
			if err := recsB.Put(u64(cur), v); err != nil {
				return err
			}
			if err := ids.Put(id, u64(cur)); err != nil {
				return err
			}
			outs[i] = hall.Outcome{Result: recs[i].Result, Cursor: cur}
			added++
		}
		meta := tx.Bucket(bMeta)
		return meta.Put(kCount, u64(getU64(meta.Get(kCount))+uint64(added)))
	})
	if err != nil {
		if errors.Is(err, hall.ErrCorrupt) || ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: put batch: %w", hall.ErrStorage, err)
	}
	return outs, nil
}

// Results implements hall.Store.
func (s *Store) Results(ctx context.Context, kioskID string, since uint64, limit int) ([]hallapi.ResultFor, error) {
	var out []hallapi.ResultFor
	err := s.db.View(func(tx *bolt.Tx) error {
		kb := tx.Bucket(bKiosks).Bucket([]byte(kioskID))
		if kb == nil {
			return nil
		}
		c := kb.Bucket(bRecs).Cursor()
		for k, v := c.Seek(u64(since + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: %s/%x: %w", hall.ErrCorrupt, kioskID, k, err)
			}
			if r.Result.State.Done() {
				out = append(out, hallapi.ResultFor{ID: r.Txn.ID, Result: r.Result, Cursor: r.Cursor})
			}
		}
		return nil
	})
	return out, s.readErr(err)
}

// Count implements hall.Store.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		n = getU64(tx.Bucket(bMeta).Get(kCount))
		return nil
	})
	return int(n), s.readErr(err)
}

// List implements hall.Store.
func (s *Store) List(ctx context.Context) ([]hall.Entry, error) {
	var out []hall.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bKiosks).ForEachBucket(func(kiosk []byte) error {
			return tx.Bucket(bKiosks).Bucket(kiosk).Bucket(bRecs).ForEach(func(_, v []byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				e, err := s.entry(string(kiosk), v)
				if err != nil {
					return err
				}
				out = append(out, e)
				return nil
			})
		})
	})
	return out, s.readErr(err)
}

func (s *Store) entry(kiosk string, v []byte) (hall.Entry, error) {
	var r record
	if err := json.Unmarshal(v, &r); err != nil {
		return hall.Entry{}, fmt.Errorf("%w: %s: %w", hall.ErrCorrupt, kiosk, err)
	}
	e := hall.Entry{Txn: r.Txn, Result: r.Result, ReceivedAt: r.ReceivedAt, Cursor: r.Cursor}
	if r.Sealed != nil {
		pt, err := s.key.Open(r.Sealed, aad(kiosk, r.Txn.ID))
		if err != nil {
			return hall.Entry{}, fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kiosk, r.Txn.ID, err)
		}
		var tp txn.Taxpayer
		if err := json.Unmarshal(pt, &tp); err != nil {
			return hall.Entry{}, fmt.Errorf("%w: %s/%s: taxpayer", hall.ErrCorrupt, kiosk, r.Txn.ID)
		}
		e.Txn.Taxpayer = &tp
	}
	return e, nil
}

func (s *Store) readErr(err error) error {
	if err == nil || errors.Is(err, hall.ErrCorrupt) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %w", hall.ErrStorage, err)
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
