package boltstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	bKiosks   = []byte("kiosks")
	bMeta     = []byte("meta")
	bRecs     = []byte("records")
	bIDs      = []byte("ids")
	bSeqs     = []byte("seqs")     // in a kiosk's bucket: seq -> the first transaction id stored with it
	bEvidence = []byte("evidence") // in a kiosk's bucket: sha256 of a batch -> sealed evidence
	bPayments = []byte("payments") // kiosk id, 0, cursor -> "": the tax payments, for the ledger
	bReturns  = []byte("returns")  // kiosk id, 0, cursor -> "": the VAT returns, for the ledger
	bAlarms   = []byte("alarms")   // sequence -> alarm JSON
	kCount    = []byte("count")
	kMaxSeq   = []byte("maxseq") // in a kiosk's bucket: the highest seq stored
)

type record struct {
	Txn        txn.Txn    `json:"txn"` // Taxpayer nil
	Sealed     []byte     `json:"sealed,omitempty"`
	Result     txn.Result `json:"result"`
	ReceivedAt time.Time  `json:"received_at"`
	Cursor     uint64     `json:"cursor"`
	Evidence   []byte     `json:"evidence,omitempty"` // sha256 of the batch, the key in bEvidence
}

// sealedEvidence is a batch's evidence ready to store.
type sealedEvidence struct {
	hash   []byte
	sealed []byte
}

func evidenceAAD(kiosk string, hash []byte) []byte {
	return []byte(kiosk + "/evidence/" + hex.EncodeToString(hash))
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
		for _, b := range append([][]byte{bKiosks, bMeta, bAlarms}, fleetBuckets...) {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if err := indexKind(tx, bPayments, txn.KindTaxPayment); err != nil {
			return err
		}
		return indexKind(tx, bReturns, txn.KindVATReturn)
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
	evs := map[*hall.Evidence]sealedEvidence{} // the entries of one batch share one
	for i, e := range entries {
		if e.Txn.ID == "" {
			return nil, fmt.Errorf("%w: empty transaction id", hall.ErrInvalid)
		}
		recs[i] = record{Txn: e.Txn, Result: e.Result, ReceivedAt: e.ReceivedAt.UTC()}
		if ev := e.Evidence; ev != nil {
			se, ok := evs[ev]
			if !ok {
				sum := sha256.Sum256(ev.Body)
				pt, err := json.Marshal(ev)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
				}
				se = sealedEvidence{hash: sum[:], sealed: s.key.Seal(pt, evidenceAAD(kioskID, sum[:]))}
				evs[ev] = se
			}
			recs[i].Evidence = se.hash
		}
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
		seqs, err := kb.CreateBucketIfNotExists(bSeqs)
		if err != nil {
			return err
		}
		evB, err := kb.CreateBucketIfNotExists(bEvidence)
		if err != nil {
			return err
		}
		indexes := map[txn.Kind]*bolt.Bucket{txn.KindTaxPayment: tx.Bucket(bPayments), txn.KindVATReturn: tx.Bucket(bReturns)}
		recsB.FillPercent = 1.0 // cursors only grow: pack pages full, as an append log
		maxSeq := getU64(kb.Get(kMaxSeq))
		added := 0
		for i := range recs {
			outs[i] = hall.Outcome{}
			id := []byte(recs[i].Txn.ID)
			if cur := ids.Get(id); cur != nil {
				var prev record
				if err := json.Unmarshal(recsB.Get(cur), &prev); err != nil {
					return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kioskID, recs[i].Txn.ID, err)
				}
				outs[i] = hall.Outcome{Duplicate: true, Result: prev.Result, Cursor: prev.Cursor}
				continue
			}
			if h := recs[i].Evidence; h != nil && evB.Get(h) == nil {
				if err := evB.Put(h, evidenceFor(evs, h)); err != nil {
					return err
				}
			}
			if seq := recs[i].Txn.Seq; seq > 0 {
				outs[i].SeqBefore = maxSeq
				if held := seqs.Get(u64(seq)); held != nil {
					outs[i].SeqHeldBy = string(held)
				} else if err := seqs.Put(u64(seq), id); err != nil {
					return err
				}
				maxSeq = max(maxSeq, seq)
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
			if index := indexes[recs[i].Txn.Kind]; index != nil {
				if err := index.Put(indexKey(kioskID, cur), []byte{}); err != nil {
					return err
				}
			}
			outs[i].Result, outs[i].Cursor = recs[i].Result, cur
			added++
		}
		if err := kb.Put(kMaxSeq, u64(maxSeq)); err != nil {
			return err
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

// Payments implements hall.Store: through the payments index, without opening taxpayers.
func (s *Store) Payments(ctx context.Context) ([]hall.Entry, error) { return s.indexed(bPayments) }

// Returns implements hall.Store: through the returns index, without opening taxpayers.
func (s *Store) Returns(ctx context.Context) ([]hall.Entry, error) { return s.indexed(bReturns) }

// indexed reads the records an index bucket names.
func (s *Store) indexed(index []byte) ([]hall.Entry, error) {
	var out []hall.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		kiosks := tx.Bucket(bKiosks)
		return tx.Bucket(index).ForEach(func(k, _ []byte) error {
			kiosk, cur := k[:len(k)-9], k[len(k)-8:]
			v := kiosks.Bucket(kiosk).Bucket(bRecs).Get(cur)
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: %s/%x: %w", hall.ErrCorrupt, kiosk, cur, err)
			}
			out = append(out, hall.Entry{Txn: r.Txn, Result: r.Result, ReceivedAt: r.ReceivedAt, Cursor: r.Cursor})
			return nil
		})
	})
	return out, s.readErr(err)
}

// Evidence implements hall.Store.
func (s *Store) Evidence(ctx context.Context, kioskID, txnID string) (hall.Evidence, error) {
	var ev hall.Evidence
	err := s.db.View(func(tx *bolt.Tx) error {
		kb := tx.Bucket(bKiosks).Bucket([]byte(kioskID))
		if kb == nil {
			return hall.ErrNotFound
		}
		cur := kb.Bucket(bIDs).Get([]byte(txnID))
		if cur == nil {
			return hall.ErrNotFound
		}
		var r record
		if err := json.Unmarshal(kb.Bucket(bRecs).Get(cur), &r); err != nil {
			return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kioskID, txnID, err)
		}
		var sealed []byte
		if evB := kb.Bucket(bEvidence); evB != nil && r.Evidence != nil {
			sealed = evB.Get(r.Evidence)
		}
		if sealed == nil {
			return hall.ErrNotFound
		}
		pt, err := s.key.Open(sealed, evidenceAAD(kioskID, r.Evidence))
		if err != nil {
			return fmt.Errorf("%w: %s/%s evidence: %w", hall.ErrCorrupt, kioskID, txnID, err)
		}
		if err := json.Unmarshal(pt, &ev); err != nil {
			return fmt.Errorf("%w: %s/%s evidence", hall.ErrCorrupt, kioskID, txnID)
		}
		return nil
	})
	if errors.Is(err, hall.ErrNotFound) {
		return ev, fmt.Errorf("%w: evidence of %s/%s", hall.ErrNotFound, kioskID, txnID)
	}
	return ev, s.readErr(err)
}

// PutAlarms implements hall.Store.
func (s *Store) PutAlarms(ctx context.Context, alarms []hall.Alarm) error {
	if len(alarms) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAlarms)
		for _, a := range alarms {
			n, err := b.NextSequence()
			if err != nil {
				return err
			}
			a.At = a.At.UTC()
			v, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if err := b.Put(u64(n), v); err != nil {
				return err
			}
		}
		return nil
	})
	return s.readErr(err)
}

// Alarms implements hall.Store.
func (s *Store) Alarms(ctx context.Context) ([]hall.Alarm, error) {
	var out []hall.Alarm
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAlarms).ForEach(func(k, v []byte) error {
			var a hall.Alarm
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("%w: alarm %x: %w", hall.ErrCorrupt, k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, s.readErr(err)
}

func indexKey(kiosk string, cursor uint64) []byte {
	return append(append([]byte(kiosk), 0), u64(cursor)...)
}

// evidenceFor is the sealed evidence with hash h among a batch's.
func evidenceFor(evs map[*hall.Evidence]sealedEvidence, h []byte) []byte {
	for _, se := range evs {
		if bytes.Equal(se.hash, h) {
			return se.sealed
		}
	}
	return nil
}

// indexKind creates the index of the transactions of kind of a file written before it
// existed, from the records themselves; a file that has it is left alone.
func indexKind(tx *bolt.Tx, name []byte, kind txn.Kind) error {
	if tx.Bucket(name) != nil {
		return nil
	}
	index, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	kiosks := tx.Bucket(bKiosks)
	return kiosks.ForEachBucket(func(kiosk []byte) error {
		return kiosks.Bucket(kiosk).Bucket(bRecs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: %s/%x: %w", hall.ErrCorrupt, kiosk, k, err)
			}
			if r.Txn.Kind != kind {
				return nil
			}
			return index.Put(indexKey(string(kiosk), r.Cursor), []byte{})
		})
	})
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
