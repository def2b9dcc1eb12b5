package outbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
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
	// MinFree is the free space, in bytes, the file system holding the outbox must keep for
	// Healthy to let a taxpayer start a service. Zero: DefaultMinFree.
	MinFree uint64
	// FreeSpace reports the bytes this process may still use on the file system holding
	// dir. Zero: the file system's own figure (statfs; no check where there is none).
	FreeSpace func(dir string) (uint64, error)
	// ProbeEvery is how often Healthy, while in service, proves with a probe write that the
	// file can still grow (a file system remounted read-only, a failing disk). Zero: 5 min.
	ProbeEvery time.Duration
	// Quarantined is told, after the commit, of each record set aside because it cannot be
	// read (see StateQuarantined), so that the kiosk can report it to the hall. It runs on
	// the goroutine that found the record and must not block. Zero: nobody is told.
	Quarantined func(seq uint64, id, reason string)
}

// DefaultMinFree is Opts.MinFree's default: room for thousands of transactions and the
// journal, so a disk is reported full long before a commit fails.
const DefaultMinFree = 64 << 20

// StateQuarantined is the outbox's own state for a record that cannot be read: its JSON does
// not decode, or its sealed personal data does not open with the key (damaged bytes, another
// key). Such a record would fail every batch it is in and stall everything queued behind
// it, so it is set aside instead: kept as it was in the file, out of the queue, counted in
// Stats.Quarantined and listed with List(Filter{State: StateQuarantined}) for the
// technician. The hall never heard of this state.
const StateQuarantined txn.State = "quarantined"

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
	// Quarantined says why the record was set aside (State is StateQuarantined), or why it
	// cannot be read if that was found before the queue reached it; empty for a sound record.
	Quarantined string
}

// Stats summarises the outbox for the technician screen and the network indicator.
type Stats struct {
	Counts       map[txn.State]int
	Total        int
	OldestQueued time.Duration // age of the oldest record waiting for the hall (queued or sending); 0 when none
	Quarantined  int           // records set aside as unreadable (StateQuarantined)
	LastError    string        // last delivery error; cleared by a successful delivery
	LastSync     time.Time     // last time the hall acknowledged anything
	// OutOfService says why the outbox takes no new transactions (see Healthy); empty while
	// it does.
	OutOfService string
}

// KindPending is what waits for the hall (queued or sending) of one kind of transaction. The
// type lives in kiosk/txn so that the offline policy reads it without linking the outbox.
type KindPending = txn.Pending

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
	onQuar   func(seq uint64, id, reason string)
	minFree  uint64
	free     func(dir string) (uint64, error)
	probeGap time.Duration

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
	// bQuarantine holds, by seq, why each quarantined record was set aside.
	bQuarantine = []byte("quarantine")

	kKiosk   = []byte("kiosk_id")
	kNextSeq = []byte("next_seq")
	kSync    = []byte("last_sync")
	kError   = []byte("last_error")
	kCursor  = []byte("results_cursor")
	kProbe   = []byte("headroom_probe")
	kKeyID   = []byte("key_id") // the fingerprint of the key the records are sealed with
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
	if o.MinFree == 0 {
		o.MinFree = DefaultMinFree
	}
	if o.FreeSpace == nil {
		o.FreeSpace = freeSpace
	}
	if o.ProbeEvery <= 0 {
		o.ProbeEvery = 5 * time.Minute
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
		readOnly: o.ReadOnly, recheck: o.RecheckEvery, amountOf: o.AmountOf, onQuar: o.Quarantined,
		minFree: o.MinFree, free: o.FreeSpace, probeGap: o.ProbeEvery}
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

// check verifies the layout without writing, so a damaged file stays as found (boltfile.Open
// has checked the pages).
func (ob *Outbox) check() error {
	return ob.db.View(func(tx *bolt.Tx) error {
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
		// Another key (a wrong backup restored) would make every record unreadable and send
		// them all to quarantine; refuse it whole instead, with both fingerprints.
		if v := meta.Get(kKeyID); v != nil && ob.key != nil && string(v) != ob.key.ID() {
			return fmt.Errorf("%w: the records are sealed with key %s, the key file holds %s: restore the right key file", ErrWrongKey, v, ob.key.ID())
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
		if meta.Get(kKeyID) == nil {
			if err := meta.Put(kKeyID, []byte(ob.key.ID())); err != nil {
				return err
			}
		}
		for _, name := range [][]byte{bRecords, bIDs, bQuarantine} {
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
			err := ob.update(tx, seq, func(s *stored) { s.State = txn.Queued })
			if errors.Is(err, ErrCorrupt) { // one unreadable record must not keep the kiosk shut
				err = quarantineTx(tx, txn.Sending, seq, err.Error(), ob.now())
			}
			if err != nil {
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

// Next returns up to n queued records, oldest (lowest Seq) first. A queued record that cannot
// be read is quarantined (StateQuarantined) on the way and the ones behind it are returned.
func (ob *Outbox) Next(n int) ([]Record, error) {
	var out []Record
	var bad []unreadable
	err := ob.db.View(func(tx *bolt.Tx) error {
		c := stateBucket(tx, txn.Queued).Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			r, err := ob.load(tx, k)
			if errors.Is(err, ErrCorrupt) && !ob.readOnly {
				bad = append(bad, unreadable{seq: bytes.Clone(k), id: idOf(tx, k), reason: err.Error()})
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err == nil && len(bad) > 0 {
		err = ob.quarantine(txn.Queued, bad)
	}
	return out, ob.readErr("next", err)
}

// unreadable is a record found unreadable, on its way to quarantine.
type unreadable struct {
	seq        []byte
	id, reason string
}

// quarantined is what bQuarantine keeps for a record.
type quarantined struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	From   txn.State `json:"from"`
}

// quarantine moves records out of state from into the quarantine, then tells Opts.Quarantined.
func (ob *Outbox) quarantine(from txn.State, bad []unreadable) error {
	err := ob.db.Update(func(tx *bolt.Tx) error {
		for _, b := range bad {
			if err := quarantineTx(tx, from, b.seq, b.reason, ob.now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err := ob.writeErr("quarantine", err); err != nil {
		return err
	}
	if ob.onQuar != nil {
		for _, b := range bad {
			ob.onQuar(binary.BigEndian.Uint64(b.seq), b.id, b.reason)
		}
	}
	return nil
}

func quarantineTx(tx *bolt.Tx, from txn.State, seq []byte, reason string, at time.Time) error {
	if !has(stateBucket(tx, from), seq) {
		return nil // another commit moved it since it was read
	}
	v, err := json.Marshal(quarantined{Reason: reason, At: at.UTC(), From: from})
	if err != nil {
		return err
	}
	if err := tx.Bucket(bQuarantine).Put(seq, v); err != nil {
		return err
	}
	return stateBucket(tx, from).Delete(seq)
}

// idOf is the transaction id of the record at seq, when its JSON still says it.
func idOf(tx *bolt.Tx, seq []byte) string {
	var s stored
	json.Unmarshal(tx.Bucket(bRecords).Get(seq), &s)
	return s.Txn.ID
}

func has(b *bolt.Bucket, key []byte) bool {
	k, _ := b.Cursor().Seek(key)
	return bytes.Equal(k, key)
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
		switch f.State {
		case StateQuarantined:
			b := tx.Bucket(bQuarantine)
			if b == nil { // a file from before quarantines existed, opened read-only
				return nil
			}
			c = b.Cursor()
		case "":
			c = tx.Bucket(bRecords).Cursor()
		default:
			b := stateBucket(tx, f.State)
			if b == nil {
				return fmt.Errorf("%w: state %q", ErrInvalid, f.State)
			}
			c = b.Cursor()
		}
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
			r, err := ob.entry(tx, k)
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
		if q := tx.Bucket(bQuarantine); q != nil {
			st.Quarantined = q.Stats().KeyN
		}
		if oldest := ob.oldestPending(tx); !oldest.IsZero() {
			st.OldestQueued = max(0, ob.now().Sub(oldest))
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
	if err := ob.roomLeft(); err != nil && st.OutOfService == "" && !ob.readOnly {
		st.OutOfService = err.Error()
	}
	return st
}

// oldestPending is the CreatedAt of the oldest record waiting for the hall, queued or sending.
// A record whose JSON does not decode is skipped: it is on its way to quarantine, and one
// such record must not make the figure say nobody waits.
func (ob *Outbox) oldestPending(tx *bolt.Tx) time.Time {
	var oldest time.Time
	recs := tx.Bucket(bRecords)
	for _, state := range []txn.State{txn.Queued, txn.Sending} {
		c := stateBucket(tx, state).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			var s stored
			if json.Unmarshal(recs.Get(k), &s) != nil {
				continue
			}
			if oldest.IsZero() || s.Txn.CreatedAt.Before(oldest) {
				oldest = s.Txn.CreatedAt
			}
			break // seq order is arrival order: the first readable one is the oldest
		}
	}
	return oldest
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
				if json.Unmarshal(recs.Get(k), &s) != nil {
					return nil // unreadable: on its way to quarantine, never to the hall
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

// Healthy is nil while the outbox takes new transactions. The desk asks it before it lets a
// taxpayer start a service, so nobody fills in a return that cannot be kept, and Enqueue
// refuses with the same error. It is not healthy:
//   - while the file system has less than Opts.MinFree left (ErrOutOfService and ErrDiskFull),
//     asked afresh at every call, so freed space brings the outbox back at once;
//   - after a failed write (disk full, I/O error): ErrOutOfService and ErrStorage with the
//     cause. At most every Opts.RecheckEvery it tries a probe write (probeSize bytes, then
//     deleted); when that succeeds the outbox is back in service.
//
// While in service, a probe write at most every Opts.ProbeEvery finds a disk that stopped
// taking writes before a taxpayer does. Records stored before a failure stay readable and
// keep syncing throughout.
func (ob *Outbox) Healthy() error {
	if ob.readOnly {
		return fmt.Errorf("%w: %w: opened read-only", ErrOutOfService, ErrReadOnly)
	}
	if err := ob.roomLeft(); err != nil {
		return err
	}
	ob.healthMu.Lock()
	defer ob.healthMu.Unlock()
	now := ob.now()
	if ob.failure == nil {
		if now.Sub(ob.lastProbe) < ob.probeGap && !ob.lastProbe.IsZero() {
			return nil
		}
		ob.lastProbe = now
		if err := ob.probe(); err != nil {
			ob.failure, ob.failedAt = ob.storageErr("probe", err), now
			return fmt.Errorf("%w since %s: %w", ErrOutOfService, ob.failedAt.Format(time.RFC3339), ob.failure)
		}
		return nil
	}
	if now.Sub(ob.lastProbe) >= ob.recheck {
		ob.lastProbe = now
		if ob.probe() == nil {
			ob.failure = nil
			return nil
		}
	}
	return fmt.Errorf("%w since %s: %w", ErrOutOfService, ob.failedAt.Format(time.RFC3339), ob.failure)
}

// probe writes probeSize bytes and deletes them again: proof that the file can grow by more
// than one transaction's worth.
func (ob *Outbox) probe() error {
	err := ob.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kProbe, make([]byte, probeSize)) })
	if err == nil {
		err = ob.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kProbe) })
	}
	return err
}

// roomLeft is ErrDiskFull when the outbox's file system has less than Opts.MinFree left. A
// file system that cannot say how much it has left is given the benefit of the doubt: the
// probe write still guards it.
func (ob *Outbox) roomLeft() error {
	dir := filepath.Dir(ob.path)
	free, err := ob.free(dir)
	if err != nil || free >= ob.minFree {
		return nil
	}
	return fmt.Errorf("%w: %w: %d MiB free on %s, %d MiB needed", ErrOutOfService, ErrDiskFull, free>>20, dir, ob.minFree>>20)
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

// entry is load for listing: a quarantined or unreadable record is described with what can
// still be read of it (never its personal data) instead of failing the whole list.
func (ob *Outbox) entry(tx *bolt.Tx, seq []byte) (Record, error) {
	var q *quarantined
	if b := tx.Bucket(bQuarantine); b != nil {
		if v := b.Get(seq); v != nil {
			q = &quarantined{}
			if json.Unmarshal(v, q) != nil {
				q.Reason = "quarantined"
			}
		}
	}
	r, err := ob.load(tx, seq)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return r, err
	}
	if err != nil {
		var s stored
		json.Unmarshal(tx.Bucket(bRecords).Get(seq), &s) // whatever still decodes
		s.Txn.Taxpayer = nil
		r = Record{Txn: s.Txn, State: s.State, Attempts: s.Attempts, LastError: s.LastError, Amount: s.Amount,
			Quarantined: err.Error()}
		r.Txn.Seq = binary.BigEndian.Uint64(seq)
	}
	if q != nil {
		r.State, r.Quarantined = StateQuarantined, q.Reason
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
