package outbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"taxkiosk/kiosk/boltfile"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// Opts configures an Outbox. A nil *Opts is not accepted: Key is required (except read-only).
type Opts struct {
	// KioskID names the kiosk. Zero: the id already recorded in the file; a new file needs
	// one. A file recorded under another id is refused (sequence numbers are per kiosk).
	KioskID string
	// Key seals personal data. Required for writing: the outbox never writes a Taxpayer in
	// plaintext. A read-only outbox opened without a key returns records with Taxpayer nil.
	Key *seal.Key
	// Now is the clock. Zero: time.Now.
	Now func() time.Time
	// LockTimeout bounds the wait for a file another process holds. Zero: 1 s.
	LockTimeout time.Duration
	// ReadOnly opens an existing file for reading only (kioskctl while the kiosk is stopped):
	// nothing is written, not even the crash recovery of "sending" records, and every write
	// returns ErrReadOnly. Zero: read-write.
	ReadOnly bool
	// RecheckEvery is how often Healthy, once a write failed, tries a probe write to see
	// whether the outbox can take transactions again. Zero: 30 s.
	RecheckEvery time.Duration
	// AmountOf gives the money a transaction stands for (tax payable, tax paid), kept with
	// the record so that offline limits can sum what waits per kind (PendingByKind). An error
	// refuses the transaction with ErrInvalid. Zero: every amount is zero. See AmountField.
	AmountOf func(txn.Txn) (money.Amount, error)
}

// AmountField returns an Opts.AmountOf that reads a top-level amount field of the body, by
// kind: AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable"}). Kinds not in the
// map, bodies without the field, and a JSON null count as zero.
func AmountField(fields map[txn.Kind]string) func(txn.Txn) (money.Amount, error) {
	return func(t txn.Txn) (money.Amount, error) {
		name, ok := fields[t.Kind]
		if !ok || len(t.Body) == 0 {
			return 0, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(t.Body, &m); err != nil {
			return 0, fmt.Errorf("body: %w", err)
		}
		raw, ok := m[name]
		if !ok || string(raw) == "null" {
			return 0, nil
		}
		var a money.Amount
		if err := json.Unmarshal(raw, &a); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return a, nil
	}
}

// Record is one transaction as the outbox keeps it.
type Record struct {
	Txn       txn.Txn      // Taxpayer opened (nil once purged)
	State     txn.State    // queued, sending, acknowledged, or the hall's result state
	Attempts  int          // times it was put on the wire
	LastError string       // why the last attempt failed; for technicians
	AckedAt   time.Time    // when the hall confirmed it stored the transaction; zero before
	Result    txn.Result   // the hall's answer; zero State until it came
	Purged    bool         // personal data dropped by Purge
	Amount    money.Amount // what Opts.AmountOf said at Enqueue
}

// Stats summarises the outbox for the technician screen and the network indicator.
type Stats struct {
	Counts       map[txn.State]int
	Total        int
	OldestQueued time.Duration // age of the oldest queued record; 0 when none
	LastError    string        // last delivery error; cleared by a successful delivery
	LastSync     time.Time     // last time the hall acknowledged anything
	// OutOfService says why the outbox takes no new transactions (see Healthy); empty while
	// it does.
	OutOfService string
}

// KindPending is what waits for the hall (queued or sending) of one kind of transaction.
type KindPending struct {
	Count  int
	Amount money.Amount // sum of the records' Amount
	Oldest time.Time    // CreatedAt of the oldest; zero when Count is 0
}

// Pending is the number of records not yet acknowledged by the hall.
func (s Stats) Pending() int { return s.Counts[txn.Queued] + s.Counts[txn.Sending] }

// Filter selects records for List. The zero Filter selects everything.
type Filter struct {
	State txn.State // zero: any state
	Since time.Time // zero: any time; else CreatedAt at or after Since
	Limit int       // zero: no limit
}

// Outbox is the durable queue. It is safe for concurrent use.
type Outbox struct {
	db       *bolt.DB
	key      *seal.Key
	kiosk    string
	now      func() time.Time
	changes  chan struct{}
	path     string
	readOnly bool
	recheck  time.Duration
	amountOf func(txn.Txn) (money.Amount, error)

	healthMu  sync.Mutex
	failure   error     // the write failure that put the outbox out of service; nil in service
	failedAt  time.Time // when failure happened
	lastProbe time.Time // when Healthy last tried a probe write
}

var (
	bMeta    = []byte("meta")
	bRecords = []byte("records")
	bIDs     = []byte("ids")
	bState   = []byte("state")

	kKiosk   = []byte("kiosk_id")
	kNextSeq = []byte("next_seq")
	kSync    = []byte("last_sync")
	kError   = []byte("last_error")
	kCursor  = []byte("results_cursor")
	kProbe   = []byte("headroom_probe")
)

// probeSize is what a recheck writes (and deletes again) to see that the file can grow by
// more than one transaction's worth before taxpayers are let in again.
const probeSize = 64 << 10

var allStates = []txn.State{txn.Queued, txn.Sending, txn.Acknowledged, txn.Approved, txn.Rejected, txn.CounterVisit}

// stored is the on-disk form of a Record: the Taxpayer only as sealed bytes.
type stored struct {
	Txn       txn.Txn      `json:"txn"`
	Sealed    []byte       `json:"sealed,omitempty"`
	State     txn.State    `json:"state"`
	Attempts  int          `json:"attempts,omitempty"`
	LastError string       `json:"last_error,omitempty"`
	AckedAt   time.Time    `json:"acked_at,omitzero"`
	Result    *txn.Result  `json:"result,omitempty"`
	Purged    bool         `json:"purged,omitempty"`
	Amount    money.Amount `json:"amount,omitempty"`
}

// Open opens or creates the outbox file at path. Records a crash left in "sending" go back to
// "queued".
func Open(path string, opts *Opts) (ob *Outbox, err error) {
	if opts == nil || opts.Key == nil && !opts.ReadOnly {
		return nil, fmt.Errorf("%w: Opts.Key is required", ErrInvalid)
	}
	o := *opts
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = time.Second
	}
	if o.RecheckEvery <= 0 {
		o.RecheckEvery = 30 * time.Second
	}
	if o.AmountOf == nil {
		o.AmountOf = func(txn.Txn) (money.Amount, error) { return 0, nil }
	}
	// bbolt panics on some kinds of damaged pages; a kiosk must report, not crash.
	defer func() {
		if r := recover(); r != nil {
			ob, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	db, err := boltfile.Open(path, o.ReadOnly, o.LockTimeout, boltfile.Errs{Locked: ErrLocked, Storage: ErrStorage, Corrupt: ErrCorrupt})
	if err != nil {
		return nil, err
	}
	ob = &Outbox{db: db, key: o.Key, kiosk: o.KioskID, now: o.Now, changes: make(chan struct{}, 1), path: path,
		readOnly: o.ReadOnly, recheck: o.RecheckEvery, amountOf: o.AmountOf}
	if err := ob.check(); err != nil {
		db.Close()
		return nil, err
	}
	if o.ReadOnly {
		return ob, nil
	}
	if err := ob.init(); err != nil {
		db.Close()
		return nil, err
	}
	ob.notify() // queued work left from the last run should be sent at once
	return ob, nil
}

// check verifies page structure and layout without writing, so a damaged file stays as found.
func (ob *Outbox) check() error {
	return ob.db.View(func(tx *bolt.Tx) error {
		for cerr := range tx.Check() {
			return fmt.Errorf("%w: %s: %w", ErrCorrupt, ob.path, cerr)
		}
		meta := tx.Bucket(bMeta)
		if meta == nil {
			if tx.Bucket(bRecords) != nil {
				return fmt.Errorf("%w: %s: records without meta", ErrCorrupt, ob.path)
			}
			if ob.readOnly {
				return fmt.Errorf("%w: %s is not an outbox yet", ErrInvalid, ob.path)
			}
			if ob.kiosk == "" {
				return fmt.Errorf("%w: Opts.KioskID is required for a new outbox", ErrInvalid)
			}
			return nil
		}
		if v := meta.Get(kNextSeq); v != nil && len(v) != 8 {
			return fmt.Errorf("%w: %s: bad next_seq", ErrCorrupt, ob.path)
		}
		recorded := string(meta.Get(kKiosk))
		switch {
		case ob.kiosk == "":
			ob.kiosk = recorded
		case recorded != "" && recorded != ob.kiosk:
			return fmt.Errorf("%w: file belongs to kiosk %q, not %q", ErrInvalid, recorded, ob.kiosk)
		}
		if ob.kiosk == "" {
			return fmt.Errorf("%w: Opts.KioskID is required for a new outbox", ErrInvalid)
		}
		return nil
	})
}

func (ob *Outbox) init() error {
	err := ob.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		if meta.Get(kKiosk) == nil {
			if err := meta.Put(kKiosk, []byte(ob.kiosk)); err != nil {
				return err
			}
		}
		for _, name := range [][]byte{bRecords, bIDs} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		states, err := tx.CreateBucketIfNotExists(bState)
		if err != nil {
			return err
		}
		for _, s := range allStates {
			if _, err := states.CreateBucketIfNotExists([]byte(s)); err != nil {
				return err
			}
		}
		// A crash mid-send leaves records in "sending"; the hall dedupes, so resend them.
		var stuck [][]byte
		states.Bucket([]byte(txn.Sending)).ForEach(func(k, _ []byte) error {
			stuck = append(stuck, bytes.Clone(k))
			return nil
		})
		for _, seq := range stuck {
			if err := ob.update(tx, seq, func(s *stored) { s.State = txn.Queued }); err != nil {
				return err
			}
		}
		return nil
	})
	return ob.writeErr("open", err)
}

// Path is the file the outbox lives in.
func (ob *Outbox) Path() string { return ob.path }

// KioskID is the kiosk the outbox belongs to.
func (ob *Outbox) KioskID() string { return ob.kiosk }

// String is safe for logs.
func (ob *Outbox) String() string { return fmt.Sprintf("outbox(%s %s)", ob.kiosk, ob.path) }

// Close closes the file. Pending work stays in it for the next Open.
func (ob *Outbox) Close() error { return ob.db.Close() }

// Changes signals new queued work. Signals coalesce: one pending signal stands for any number
// of enqueues. Meant for one consumer, the sync loop.
func (ob *Outbox) Changes() <-chan struct{} { return ob.changes }

func (ob *Outbox) notify() {
	select {
	case ob.changes <- struct{}{}:
	default:
	}
}

// Enqueue stores t durably in state queued and returns it with Seq, ID (when empty), KioskID
// and CreatedAt (when zero) assigned. Only after Enqueue returns nil may the kiosk tell the
// taxpayer the transaction was accepted.
func (ob *Outbox) Enqueue(ctx context.Context, t txn.Txn) (txn.Txn, error) {
	if t.Kind == "" {
		return txn.Txn{}, fmt.Errorf("%w: transaction without kind", ErrInvalid)
	}
	if len(t.Body) == 0 {
		t.Body = nil // an empty, non-nil RawMessage cannot be marshalled; nil is "null"
	} else if !json.Valid(t.Body) {
		return txn.Txn{}, fmt.Errorf("%w: body is not JSON", ErrInvalid)
	}
	if t.KioskID != "" && t.KioskID != ob.kiosk {
		return txn.Txn{}, fmt.Errorf("%w: transaction for kiosk %q in outbox of %q", ErrInvalid, t.KioskID, ob.kiosk)
	}
	t.KioskID = ob.kiosk
	if t.ID == "" {
		t.ID = txn.NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = ob.now()
	}
	t.CreatedAt = t.CreatedAt.UTC()
	amount, err := ob.amountOf(t)
	if err != nil {
		return txn.Txn{}, fmt.Errorf("%w: amount: %w", ErrInvalid, err)
	}
	if err := ob.Healthy(); err != nil {
		return txn.Txn{}, err
	}
	s := stored{Txn: t, State: txn.Queued, Amount: amount}
	s.Txn.Taxpayer = nil
	if t.Taxpayer != nil {
		pt, err := json.Marshal(t.Taxpayer)
		if err != nil {
			return txn.Txn{}, fmt.Errorf("%w: taxpayer: %w", ErrInvalid, err)
		}
		s.Sealed = ob.key.Seal(pt, ob.aad(t.ID))
	}
	if err := ctx.Err(); err != nil {
		return txn.Txn{}, err
	}
	err = ob.db.Update(func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ids := tx.Bucket(bIDs)
		if ids.Get([]byte(t.ID)) != nil {
			return fmt.Errorf("%w: %s", ErrExists, t.ID)
		}
		meta := tx.Bucket(bMeta)
		seq := uint64(1)
		if v := meta.Get(kNextSeq); v != nil {
			seq = binary.BigEndian.Uint64(v)
		}
		t.Seq, s.Txn.Seq = seq, seq
		key := seqKey(seq)
		if err := meta.Put(kNextSeq, seqKey(seq+1)); err != nil {
			return err
		}
		if err := ids.Put([]byte(t.ID), key); err != nil {
			return err
		}
		if err := put(tx, key, &s); err != nil {
			return err
		}
		return stateBucket(tx, txn.Queued).Put(key, nil)
	})
	if err != nil {
		if errors.Is(err, ErrExists) || errors.Is(err, ctx.Err()) && ctx.Err() != nil {
			return txn.Txn{}, err
		}
		return txn.Txn{}, ob.writeErr("enqueue", err)
	}
	ob.notify()
	return t, nil
}

// Next returns up to n queued records, oldest (lowest Seq) first.
func (ob *Outbox) Next(n int) ([]Record, error) {
	var out []Record
	err := ob.db.View(func(tx *bolt.Tx) error {
		c := stateBucket(tx, txn.Queued).Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			r, err := ob.load(tx, k)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, ob.readErr("next", err)
}

// MarkSending moves queued records to sending and counts the attempt. Ids in other states
// are left alone.
func (ob *Outbox) MarkSending(ids []string) error {
	return ob.change("mark sending", ids, func(s *stored) {
		if s.State == txn.Queued {
			s.State = txn.Sending
			s.Attempts++
		}
	}, nil)
}

// Ack records that the hall stored the transactions (now or before) at time at.
func (ob *Outbox) Ack(ids []string, at time.Time) error { return ob.Settle(at, ids, nil) }

// Settle records a batch's answer in one commit: acked were stored by the hall at time at,
// results are the hall's answers (for those or other transactions). It is Ack and SetResults
// together, so a delivered batch costs the kiosk one fsync instead of two.
func (ob *Outbox) Settle(at time.Time, acked []string, results map[string]txn.Result) error {
	at = at.UTC()
	ids := make([]string, 0, len(acked)+len(results))
	isAcked := make(map[string]bool, len(acked))
	for _, id := range acked {
		if !isAcked[id] {
			isAcked[id] = true
			ids = append(ids, id)
		}
	}
	for id, r := range results {
		if !r.State.Done() {
			return fmt.Errorf("%w: result state %q", ErrInvalid, r.State)
		}
		if !isAcked[id] {
			ids = append(ids, id)
		}
	}
	var metaFn func(*bolt.Bucket) error
	if len(acked) > 0 {
		metaFn = func(meta *bolt.Bucket) error {
			if err := meta.Put(kSync, []byte(at.Format(time.RFC3339Nano))); err != nil {
				return err
			}
			return meta.Delete(kError)
		}
	}
	return ob.changeEach("settle", ids, func(id string, s *stored) {
		if s.State == txn.Queued || s.State == txn.Sending {
			s.State = txn.Acknowledged
			s.LastError = ""
		}
		if s.AckedAt.IsZero() {
			s.AckedAt = at
		}
		if r, ok := results[id]; ok {
			r.At = r.At.UTC()
			s.State, s.Result, s.LastError = r.State, &r, ""
		}
	}, metaFn)
}

// Requeue puts records that were sending back in the queue with the reason they failed.
func (ob *Outbox) Requeue(ids []string, cause error) error {
	msg := "unknown error"
	if cause != nil {
		msg = cause.Error()
	}
	return ob.change("requeue", ids, func(s *stored) {
		if s.State == txn.Sending || s.State == txn.Queued {
			s.State = txn.Queued
			s.LastError = msg
		}
	}, func(meta *bolt.Bucket) error { return meta.Put(kError, []byte(msg)) })
}

// SetResult records the hall's answer. A result implies the hall stored the transaction, so a
// record still queued or sending leaves the queue.
func (ob *Outbox) SetResult(id string, r txn.Result) error {
	return ob.SetResults(map[string]txn.Result{id: r})
}

// SetResults records several of the hall's answers in one commit. An unknown id fails the
// whole commit with ErrNotFound.
func (ob *Outbox) SetResults(rs map[string]txn.Result) error {
	return ob.Settle(ob.now(), nil, rs)
}

// ResultsCursor is where the last pull of /v1/results stopped.
func (ob *Outbox) ResultsCursor() (uint64, error) {
	var c uint64
	err := ob.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(kCursor); len(v) == 8 {
			c = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return c, ob.readErr("results cursor", err)
}

// SetResultsCursor remembers where the last pull of /v1/results stopped.
func (ob *Outbox) SetResultsCursor(c uint64) error {
	err := ob.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kCursor, seqKey(c)) })
	return ob.writeErr("results cursor", err)
}

// Get returns the record of one transaction.
func (ob *Outbox) Get(id string) (Record, error) {
	var r Record
	err := ob.db.View(func(tx *bolt.Tx) error {
		seq := tx.Bucket(bIDs).Get([]byte(id))
		if seq == nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		var err error
		r, err = ob.load(tx, seq)
		return err
	})
	return r, ob.readErr("get", err)
}

// List returns records matching f in Seq order.
func (ob *Outbox) List(f Filter) ([]Record, error) {
	var out []Record
	err := ob.db.View(func(tx *bolt.Tx) error {
		var c *bolt.Cursor
		if f.State != "" {
			b := stateBucket(tx, f.State)
			if b == nil {
				return fmt.Errorf("%w: state %q", ErrInvalid, f.State)
			}
			c = b.Cursor()
		} else {
			c = tx.Bucket(bRecords).Cursor()
		}
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
			r, err := ob.load(tx, k)
			if err != nil {
				return err
			}
			if !f.Since.IsZero() && r.Txn.CreatedAt.Before(f.Since) {
				continue
			}
			out = append(out, r)
		}
		return nil
	})
	return out, ob.readErr("list", err)
}

// Stats counts records by state. On a read failure it returns what it has with LastError
// naming the failure.
func (ob *Outbox) Stats() Stats {
	st := Stats{Counts: make(map[txn.State]int, len(allStates))}
	err := ob.db.View(func(tx *bolt.Tx) error {
		for _, s := range allStates {
			n := stateBucket(tx, s).Stats().KeyN
			st.Counts[s] = n
			st.Total += n
		}
		meta := tx.Bucket(bMeta)
		st.LastError = string(meta.Get(kError))
		if v := meta.Get(kSync); v != nil {
			st.LastSync, _ = time.Parse(time.RFC3339Nano, string(v))
		}
		if k, _ := stateBucket(tx, txn.Queued).Cursor().First(); k != nil {
			var s stored
			if err := json.Unmarshal(tx.Bucket(bRecords).Get(k), &s); err != nil {
				return fmt.Errorf("%w: record %x: %w", ErrCorrupt, k, err)
			}
			if age := ob.now().Sub(s.Txn.CreatedAt); age > 0 {
				st.OldestQueued = age
			}
		}
		return nil
	})
	if err != nil {
		st.LastError = ob.readErr("stats", err).Error()
	}
	ob.healthMu.Lock()
	if ob.failure != nil {
		st.OutOfService = ob.failure.Error()
	}
	ob.healthMu.Unlock()
	return st
}

// PendingByKind sums what waits for the hall (queued and sending), per kind of transaction:
// the snapshot offline limits are checked against. It reads every pending record, which is
// cheap at the queue lengths offline limits allow; call it once per taxpayer, not per frame.
func (ob *Outbox) PendingByKind() (map[txn.Kind]KindPending, error) {
	out := map[txn.Kind]KindPending{}
	err := ob.db.View(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bRecords)
		for _, state := range []txn.State{txn.Queued, txn.Sending} {
			err := stateBucket(tx, state).ForEach(func(k, _ []byte) error {
				var s stored
				if err := json.Unmarshal(recs.Get(k), &s); err != nil {
					return fmt.Errorf("%w: record %x: %w", ErrCorrupt, k, err)
				}
				p := out[s.Txn.Kind]
				p.Count++
				p.Amount += s.Amount
				if p.Oldest.IsZero() || s.Txn.CreatedAt.Before(p.Oldest) {
					p.Oldest = s.Txn.CreatedAt
				}
				out[s.Txn.Kind] = p
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, ob.readErr("pending", err)
	}
	return out, nil
}

// Healthy is nil while the outbox takes new transactions. After a failed write (disk full,
// I/O error) it returns an error wrapping ErrOutOfService and ErrStorage with the cause, and
// Enqueue refuses with the same error: the desk asks Healthy before it lets a taxpayer start
// a service, so nobody fills in a return that cannot be kept. At most every
// Opts.RecheckEvery, Healthy tries a probe write (probeSize bytes, then deleted); when it
// succeeds the outbox is back in service. Records stored before the failure stay readable
// and keep syncing throughout.
func (ob *Outbox) Healthy() error {
	if ob.readOnly {
		return fmt.Errorf("%w: %w: opened read-only", ErrOutOfService, ErrReadOnly)
	}
	ob.healthMu.Lock()
	defer ob.healthMu.Unlock()
	if ob.failure == nil {
		return nil
	}
	now := ob.now()
	if now.Sub(ob.lastProbe) >= ob.recheck {
		ob.lastProbe = now
		err := ob.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kProbe, make([]byte, probeSize)) })
		if err == nil {
			err = ob.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kProbe) })
		}
		if err == nil {
			ob.failure = nil
			return nil
		}
	}
	return fmt.Errorf("%w since %s: %w", ErrOutOfService, ob.failedAt.Format(time.RFC3339), ob.failure)
}

// writeErr is storageErr for writes: a storage failure puts the outbox out of service.
func (ob *Outbox) writeErr(op string, err error) error {
	err = ob.storageErr(op, err)
	if errors.Is(err, ErrStorage) {
		ob.healthMu.Lock()
		if ob.failure == nil {
			ob.failedAt = ob.now()
		}
		ob.failure, ob.lastProbe = err, ob.now()
		ob.healthMu.Unlock()
	}
	return err
}

// change applies fn to the records of ids and metaFn to the meta bucket in one commit.
func (ob *Outbox) change(op string, ids []string, fn func(*stored), metaFn func(*bolt.Bucket) error) error {
	return ob.changeEach(op, ids, func(_ string, s *stored) { fn(s) }, metaFn)
}

func (ob *Outbox) changeEach(op string, ids []string, fn func(string, *stored), metaFn func(*bolt.Bucket) error) error {
	if len(ids) == 0 {
		return nil
	}
	err := ob.db.Update(func(tx *bolt.Tx) error {
		idb := tx.Bucket(bIDs)
		for _, id := range ids {
			seq := idb.Get([]byte(id))
			if seq == nil {
				return fmt.Errorf("%w: %s", ErrNotFound, id)
			}
			if err := ob.update(tx, seq, func(s *stored) { fn(id, s) }); err != nil {
				return err
			}
		}
		if metaFn != nil {
			return metaFn(tx.Bucket(bMeta))
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrCorrupt) {
		return err
	}
	return ob.writeErr(op, err)
}

// update rewrites one record and keeps the state index in step.
func (ob *Outbox) update(tx *bolt.Tx, seq []byte, fn func(*stored)) error {
	seq = bytes.Clone(seq) // keys from bbolt are only valid until the next write
	b := tx.Bucket(bRecords)
	var s stored
	if err := json.Unmarshal(b.Get(seq), &s); err != nil {
		return fmt.Errorf("%w: record %x: %w", ErrCorrupt, seq, err)
	}
	from := s.State
	fn(&s)
	if s.State != from {
		if err := stateBucket(tx, from).Delete(seq); err != nil {
			return err
		}
		if err := stateBucket(tx, s.State).Put(seq, nil); err != nil {
			return err
		}
	}
	return put(tx, seq, &s)
}

func (ob *Outbox) load(tx *bolt.Tx, seq []byte) (Record, error) {
	var s stored
	if err := json.Unmarshal(tx.Bucket(bRecords).Get(seq), &s); err != nil {
		return Record{}, fmt.Errorf("%w: record %x: %w", ErrCorrupt, seq, err)
	}
	r := Record{Txn: s.Txn, State: s.State, Attempts: s.Attempts, LastError: s.LastError,
		AckedAt: s.AckedAt, Purged: s.Purged, Amount: s.Amount}
	if s.Result != nil {
		r.Result = *s.Result
	}
	if s.Sealed != nil && ob.key != nil {
		pt, err := ob.key.Open(s.Sealed, ob.aad(s.Txn.ID))
		if err != nil {
			return Record{}, fmt.Errorf("%w: record %s: %w", ErrCorrupt, s.Txn.ID, err)
		}
		var tp txn.Taxpayer
		if err := json.Unmarshal(pt, &tp); err != nil {
			return Record{}, fmt.Errorf("%w: record %s: taxpayer", ErrCorrupt, s.Txn.ID)
		}
		r.Txn.Taxpayer = &tp
	}
	return r, nil
}

func (ob *Outbox) aad(id string) []byte { return []byte(ob.kiosk + "/" + id) }

func (ob *Outbox) storageErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return fmt.Errorf("%w: %s", ErrClosed, op)
	case errors.Is(err, berrors.ErrDatabaseReadOnly):
		return fmt.Errorf("%w: %s", ErrReadOnly, op)
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrInvalid):
		return err
	}
	return fmt.Errorf("%w: %s: %w", ErrStorage, op, err)
}

func (ob *Outbox) readErr(op string, err error) error {
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	return ob.storageErr(op, err)
}

func put(tx *bolt.Tx, seq []byte, s *stored) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Bucket(bRecords).Put(seq, v)
}

func stateBucket(tx *bolt.Tx, s txn.State) *bolt.Bucket {
	return tx.Bucket(bState).Bucket([]byte(s))
}

func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}
