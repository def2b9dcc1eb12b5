package journal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/boltfile"
)

// State is where a job stands.
type State string

const (
	// Queued: recorded and being sent; Finish has not been called yet.
	Queued State = "queued"
	// Printed: the printer took the whole job and reported no fault after it.
	Printed State = "printed"
	// Failed: the job stopped or was refused; Reason says why, Reprintable whether it may
	// be sent again.
	Failed State = "failed"
	// Unknown: the job was queued when the process that sent it died. Part of it may be on
	// paper; it is reprintable.
	Unknown State = "unknown"
)

// ReasonInterrupted is the Reason of a job whose fate a crash left unknown.
const ReasonInterrupted = "journal.interrupted"

// Entry is one job as the journal keeps it.
type Entry struct {
	ID       string    `json:"id"`
	Recorded time.Time `json:"recorded"` // the first Record of this id
	Updated  time.Time `json:"updated"`  // the last Record or Finish
	State    State     `json:"state"`
	// Reason is why the job failed: the printer's message key (escpos.MessageKey, e.g.
	// "printer.paper_out") or ReasonInterrupted; "" unless Failed or Unknown.
	Reason string `json:"reason,omitempty"`
	// Detail is the driver's error text for a technician; it carries status bytes, never
	// receipt content.
	Detail      string `json:"detail,omitempty"`
	Reprintable bool   `json:"reprintable"`
	Bytes       int    `json:"bytes"`    // bytes the last attempt wrote to the printer
	Attempts    int    `json:"attempts"` // how often the job was recorded for sending
	// Doc is the document as recorded by the last Record; it is left out of JSON so that a
	// listing does not spill receipts onto a technician's terminal.
	Doc *escpos.Document `json:"-"`
}

// Result is what became of an attempt, given to Finish.
type Result struct {
	State       State // Printed or Failed
	Reason      string
	Detail      string
	Reprintable bool
	Bytes       int
}

// ResultOf turns the printer driver's answer into a Result. A nil res (the driver never got
// to answer) is a reprintable failure.
func ResultOf(res *escpos.JobResult, err error) Result {
	if res == nil {
		return Result{State: Failed, Reason: escpos.MessageKey(err), Detail: errText(err), Reprintable: true}
	}
	if res.State == escpos.JobPrinted && err == nil {
		return Result{State: Printed, Bytes: res.Bytes}
	}
	if err == nil {
		err = res.Err
	}
	// A job the printer refused before a byte was sent (paper end, cover open, offline)
	// printed nothing: it can be sent again once the printer is back. A document the
	// printer cannot print stays unprintable.
	key := escpos.MessageKey(err)
	again := res.Reprintable || (res.Bytes == 0 && key != "printer.bad_receipt")
	return Result{State: Failed, Reason: key, Detail: errText(err), Reprintable: again, Bytes: res.Bytes}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Filter selects entries for List. The zero Filter selects every entry.
type Filter struct {
	// States keeps entries in any of these states; empty keeps all.
	States []State
	// Since keeps entries updated at or after it; zero keeps all.
	Since time.Time
	// Limit keeps the newest Limit entries; zero or negative keeps all.
	Limit int
}

// Opts configures a Journal. A nil *Opts means every default below.
type Opts struct {
	// Now stamps entries; nil means time.Now.
	Now func() time.Time
	// LockTimeout bounds the wait for a file another process holds; zero means 1 s.
	LockTimeout time.Duration
	// ReadOnly opens an existing file for reading only (kioskctl while the kiosk is
	// stopped): nothing is written, a queued job is reported Unknown without being rewritten,
	// and Record, Finish and Prune return ErrReadOnly. Zero means read-write.
	ReadOnly bool
}

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	db       *bolt.DB
	path     string
	now      func() time.Time
	readOnly bool

	mu     sync.RWMutex
	closed bool
}

var bucketJobs = []byte("jobs")

// Open opens the journal at path, creating it unless opts.ReadOnly. Jobs left queued by a
// process that died while sending them become Unknown and reprintable.
func Open(path string, opts *Opts) (j *Journal, err error) {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
	// bbolt panics on some kinds of damaged pages; a kiosk must report, not crash.
	defer func() {
		if r := recover(); r != nil {
			j, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	db, err := boltfile.Open(path, o.ReadOnly, o.LockTimeout, boltfile.Errs{Locked: ErrLocked, Storage: ErrStorage, Corrupt: ErrCorrupt})
	if err != nil {
		return nil, err
	}
	j = &Journal{db: db, path: path, now: o.Now, readOnly: o.ReadOnly}
	if !o.ReadOnly {
		if err := j.recover(); err != nil {
			db.Close()
			return nil, err
		}
	}
	return j, nil
}

// recover creates the bucket and marks the jobs a dead process left queued as Unknown.
func (j *Journal) recover() error {
	err := j.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketJobs)
		if err != nil {
			return err
		}
		var orphans []*Entry
		err = b.ForEach(func(k, v []byte) error {
			e, err := decode(k, v)
			if err != nil {
				return err
			}
			if e.State == Queued {
				orphans = append(orphans, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range orphans {
			orphan(e)
			e.Updated = j.now()
			if err := put(b, e); err != nil {
				return err
			}
		}
		return nil
	})
	return j.storageErr(err)
}

func orphan(e *Entry) {
	e.State, e.Reason, e.Detail, e.Reprintable = Unknown, ReasonInterrupted, "", true
}

// String names the journal file; it never shows a document.
func (j *Journal) String() string { return "journal " + j.path }

// Close closes the file. Later calls return ErrClosed.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	return j.db.Close()
}

// Record stores job as queued, before any byte of it is sent. Recording an id again (a
// reprint) counts one more attempt and replaces the document with the one given.
func (j *Journal) Record(job *escpos.Job) error {
	if job == nil || job.ID == "" || job.Doc == nil || len(job.Doc.Blocks) == 0 {
		return fmt.Errorf("%w: a job needs an id and a document", ErrInvalid)
	}
	if _, err := encodeBlocks(job.Doc.Blocks); err != nil {
		return err
	}
	return j.update(func(b *bolt.Bucket) error {
		now := j.now()
		e := &Entry{ID: job.ID, Recorded: now}
		if v := b.Get([]byte(job.ID)); v != nil {
			old, err := decode([]byte(job.ID), v)
			if err != nil {
				return err
			}
			e.Recorded, e.Attempts = old.Recorded, old.Attempts
		}
		e.Updated, e.State, e.Attempts = now, Queued, e.Attempts+1
		e.Doc = &escpos.Document{Blocks: slices.Clone(job.Doc.Blocks)}
		return put(b, e)
	})
}

// Finish writes the fate of the queued job id.
func (j *Journal) Finish(id string, res Result) error {
	if res.State != Printed && res.State != Failed {
		return fmt.Errorf("%w: job %s: result state %q", ErrInvalid, id, res.State)
	}
	return j.update(func(b *bolt.Bucket) error {
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		e, err := decode([]byte(id), v)
		if err != nil {
			return err
		}
		if e.State != Queued {
			return fmt.Errorf("%w: job %s is %s, not queued", ErrInvalid, id, e.State)
		}
		e.Updated, e.State, e.Bytes = j.now(), res.State, res.Bytes
		e.Reason, e.Detail, e.Reprintable = "", "", false
		if res.State == Failed {
			e.Reason, e.Detail, e.Reprintable = res.Reason, res.Detail, res.Reprintable
		}
		return put(b, e)
	})
}

// Get returns the job id.
func (j *Journal) Get(id string) (*Entry, error) {
	var e *Entry
	err := j.view(func(b *bolt.Bucket) error {
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		var err error
		e, err = j.decodeView([]byte(id), v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// List returns the entries f selects, newest first (by Updated, then id).
func (j *Journal) List(f Filter) ([]*Entry, error) {
	var out []*Entry
	err := j.view(func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			e, err := j.decodeView(k, v)
			if err != nil {
				return err
			}
			if (len(f.States) == 0 || slices.Contains(f.States, e.State)) && !e.Updated.Before(f.Since) {
				out = append(out, e)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *Entry) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Unprinted returns the jobs to print again, oldest first: failed and reprintable, and those
// whose fate a crash left unknown.
func (j *Journal) Unprinted() ([]*Entry, error) {
	all, err := j.List(Filter{States: []State{Failed, Unknown}})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.Reprintable {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Prune deletes printed jobs last updated before before, and returns how many went. Failed
// and unknown jobs stay until they are printed.
func (j *Journal) Prune(before time.Time) (int, error) {
	n := 0
	err := j.update(func(b *bolt.Bucket) error {
		var gone [][]byte
		err := b.ForEach(func(k, v []byte) error {
			e, err := decode(k, v)
			if err != nil {
				return err
			}
			if e.State == Printed && e.Updated.Before(before) {
				gone = append(gone, slices.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(gone)
		return nil
	})
	return n, err
}

func (j *Journal) decodeView(k, v []byte) (*Entry, error) {
	e, err := decode(k, v)
	if err != nil {
		return nil, err
	}
	// A read-only journal never records, so a queued job belongs to a process that is gone
	// (a live kiosk would hold the file's lock).
	if j.readOnly && e.State == Queued {
		orphan(e)
	}
	return e, nil
}

// view and update run fn over the jobs bucket.
func (j *Journal) view(fn func(*bolt.Bucket) error) error {
	return j.viewTx(func(tx *bolt.Tx) error { return j.onJobs(tx, fn) })
}

func (j *Journal) update(fn func(*bolt.Bucket) error) error {
	return j.updateTx(func(tx *bolt.Tx) error { return j.onJobs(tx, fn) })
}

func (j *Journal) onJobs(tx *bolt.Tx, fn func(*bolt.Bucket) error) error {
	b := tx.Bucket(bucketJobs)
	if b == nil {
		return fmt.Errorf("%w: %s has no jobs bucket", ErrCorrupt, j.path)
	}
	return fn(b)
}

// viewTx and updateTx are view and update over the whole file, for buckets beside the jobs.
func (j *Journal) viewTx(fn func(*bolt.Tx) error) error {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if j.closed {
		return ErrClosed
	}
	return j.storageErr(j.db.View(fn))
}

func (j *Journal) updateTx(fn func(*bolt.Tx) error) error {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if j.closed {
		return ErrClosed
	}
	if j.readOnly {
		return ErrReadOnly
	}
	return j.storageErr(j.db.Update(fn))
}

// storageErr keeps the package's own errors and files every bbolt failure under ErrStorage.
func (j *Journal) storageErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrInvalid), errors.Is(err, ErrCorrupt),
		errors.Is(err, ErrReadOnly), errors.Is(err, ErrClosed):
		return err
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrStorage, j.path, err)
}
