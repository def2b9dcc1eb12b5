package hallsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/txn"
)

// Opts configures a Syncer. A nil *Opts means all defaults.
type Opts struct {
	// BatchSize is records per batch; zero: 100. It halves (for the Syncer's life) whenever
	// the hall answers that a batch is too large.
	BatchSize      int
	BaseBackoff    time.Duration                        // first wait after a failure; zero: 500 ms
	MaxBackoff     time.Duration                        // longest wait; zero: 30 s
	RequestTimeout time.Duration                        // bound on one HTTP call; zero: 30 s
	ResultsEvery   time.Duration                        // pull /v1/results while results are due; zero: 1 min
	ProbeEvery     time.Duration                        // ask /v1/health when idle this long; zero: 15 s
	Rand           func() float64                       // jitter source in [0, 1); zero: math/rand/v2
	Now            func() time.Time                     // zero: time.Now
	After          func(time.Duration) <-chan time.Time // timer for waits; zero: time.After
	Log            *slog.Logger                         // zero: no logging
}

// SyncStatus is what the network indicator and the technician screen show.
type SyncStatus struct {
	Online    bool      // the last exchange with the hall succeeded
	Tried     bool      // an exchange has ended, well or not: until then Online says nothing
	LastError string    // why the last exchange failed; for technicians, never for taxpayers
	LastSync  time.Time // last successful delivery
	Queued    int       // transactions not yet acknowledged by the hall
	Failures  int       // consecutive failed attempts
}

// Syncer delivers an outbox to a hall.
type Syncer struct {
	ob *outbox.Outbox
	c  *hallapi.Client
	o  Opts

	wake chan struct{}

	mu     sync.Mutex
	st     SyncStatus
	subs   map[chan SyncStatus]struct{}
	cancel context.CancelFunc
	done   chan struct{}
	batch  int // current batch size; shrinks when the hall says a batch is too large
	// settled are the receipts waiting for the hall's answer on a transaction (Settled).
	settled map[string][]chan struct{}
}

// New makes a Syncer; Start or Run it to deliver.
func New(ob *outbox.Outbox, c *hallapi.Client, opts *Opts) *Syncer {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.ProbeEvery <= 0 {
		o.ProbeEvery = 15 * time.Second
	}
	if o.ResultsEvery <= 0 {
		o.ResultsEvery = time.Minute
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	s := &Syncer{ob: ob, c: c, o: o, wake: make(chan struct{}, 1), subs: map[chan SyncStatus]struct{}{}, batch: o.BatchSize}
	st := ob.Stats()
	s.st = SyncStatus{LastSync: st.LastSync, LastError: st.LastError, Queued: st.Pending()}
	return s
}

// String is safe for logs.
func (s *Syncer) String() string { return fmt.Sprintf("hallsync(%v -> %v)", s.ob, s.c) }

// Wake makes Run try at once, skipping a backoff wait in progress.
func (s *Syncer) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Status is the latest status.
func (s *Syncer) Status() SyncStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Subscribe returns a channel that always holds the latest status after a change (older
// ones are dropped, so a slow reader never blocks the loop) and a function to unsubscribe.
func (s *Syncer) Subscribe() (<-chan SyncStatus, func()) {
	ch := make(chan SyncStatus, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	ch <- s.st
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}
}

func (s *Syncer) publish(f func(*SyncStatus)) {
	q := s.ob.Stats().Pending()
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.st)
	s.st.Queued = q
	for ch := range s.subs {
		select {
		case <-ch:
		default:
		}
		ch <- s.st
	}
}

// Start runs Run in a goroutine until Halt.
func (s *Syncer) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return ErrRunning
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		s.Run(ctx)
	}()
	return nil
}

// Halt stops a Syncer started with Start and waits for its goroutine to end.
func (s *Syncer) Halt() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	return nil
}

// Run delivers until ctx ends and returns ctx's error.
func (s *Syncer) Run(ctx context.Context) error {
	failures := 0
	lastPull := time.Time{}
	// With nothing to send, the first round and every idle ProbeEvery ask the hall whether it
	// is there, so that the network indicator tells the truth; with work queued, sending it
	// is the probe.
	probeDue := true
	for {
		var err error
		if failures > 0 || (probeDue && s.ob.Stats().Counts[txn.Queued] == 0) {
			if _, err = s.probe(ctx); err == nil && failures > 0 {
				s.logf("link back", "after", failures)
			}
			probeDue = false
		}
		if err == nil {
			var progress bool
			progress, err = s.drain(ctx)
			if progress && err != nil {
				failures = 0 // batches went through before this one failed: start over gently
			}
		}
		if err == nil && s.resultsDue() && s.o.Now().Sub(lastPull) >= s.o.ResultsEvery {
			err = s.pullResults(ctx)
			lastPull = s.o.Now()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failures++
			s.publish(func(st *SyncStatus) {
				st.Online, st.Tried, st.LastError, st.Failures = false, true, err.Error(), failures
			})
			d := Backoff(failures, s.o.BaseBackoff, s.o.MaxBackoff, s.o.Rand())
			s.logf("sync failed", "failures", failures, "retry_in", d, "err", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-s.o.After(d):
			case <-s.wake:
			}
			continue
		}
		failures = 0
		s.publish(func(st *SyncStatus) { st.Online, st.Tried, st.Failures = true, true, 0 })
		var pull <-chan time.Time
		if s.resultsDue() {
			pull = s.o.After(s.o.ResultsEvery)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.ob.Changes():
		case <-s.wake:
		case <-pull:
		case <-s.o.After(s.o.ProbeEvery):
			probeDue = true
		}
	}
}

// Backoff is the wait before attempt failures+1: base doubled per failure, capped at max,
// then drawn from [d/2, d) by r in [0, 1) so kiosks that lost the link together do not
// return together.
func Backoff(failures int, base, max time.Duration, r float64) time.Duration {
	d := base
	for i := 1; i < failures && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + time.Duration(r*float64(d/2))
}

func (s *Syncer) probe(ctx context.Context) (hallapi.Health, error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.RequestTimeout)
	defer cancel()
	return s.c.Health(ctx)
}

// drain runs syncOnce until the queue is empty. Every successful syncOnce empties its batch
// from the queue (what the hall left unanswered is requeued with an error), so this ends.
func (s *Syncer) drain(ctx context.Context) (progress bool, err error) {
	for s.ob.Stats().Counts[txn.Queued] > 0 {
		if err := s.syncOnce(ctx); err != nil {
			return progress, err
		}
		progress = true
		if err := ctx.Err(); err != nil {
			return progress, err
		}
	}
	return progress, nil
}

// syncOnce is one attempt: send up to one batch of queued records and record the answer.
func (s *Syncer) syncOnce(ctx context.Context) error {
	size := s.batchSize()
	recs, err := s.ob.Next(size)
	if err != nil || len(recs) == 0 {
		return err
	}
	ids := make([]string, len(recs))
	b := hallapi.Batch{KioskID: s.ob.KioskID(), Txns: make([]txn.Txn, len(recs))}
	for i, r := range recs {
		ids[i], b.Txns[i] = r.Txn.ID, r.Txn
	}
	if err := s.ob.MarkSending(ids); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, s.o.RequestTimeout)
	resp, err := s.c.SendBatch(rctx, b)
	cancel()
	if err != nil {
		if herr := (*hallapi.Error)(nil); errors.As(err, &herr) && refusesTxns(herr) {
			if len(ids) == 1 { // this very transaction is refused: resending it would be refused for ever
				return s.refuse(ids[0], herr)
			}
			s.shrink(size) // smaller batches until the refused one is alone
		}
		if qerr := s.ob.Requeue(ids, err); qerr != nil {
			return errors.Join(err, qerr)
		}
		return err
	}
	return s.apply(ids, resp)
}

// refusesTxns says whether a 4xx answer to a whole batch is about what the batch carries
// (malformed, too large, invalid, a code this kiosk does not know yet) rather than about the
// kiosk or the moment (its certificate, signature, address, or the hall's rate limit), which
// no transaction could fix and which must leave every transaction queued.
func refusesTxns(e *hallapi.Error) bool {
	switch {
	case e.Status < 400 || e.Status >= 500:
		return false
	case e.Status == 401, e.Status == 403, e.Status == 404, e.Status == 405, e.Status == 408, e.Status == 429:
		return false
	}
	switch e.Code {
	case hallapi.CodeNoCert, hallapi.CodeWrongKiosk, hallapi.CodeBadSig, hallapi.CodeMethod, hallapi.CodeNotFound:
		return false
	}
	return true
}

// refuse records the hall's permanent refusal of one transaction as its result, so it leaves
// the queue instead of being resent for ever.
func (s *Syncer) refuse(id string, e *hallapi.Error) error {
	now := s.o.Now()
	s.logf("hall refused transaction", "id", id, "status", e.Status, "code", e.Code)
	if err := s.ob.Settle(now, nil, map[string]txn.Result{id: {State: txn.Rejected, Code: e.Code, Message: e.Message, At: now}}); err != nil {
		return err
	}
	s.answered([]string{id})
	return nil
}

// apply records the hall's answer to a batch of ids.
func (s *Syncer) apply(ids []string, resp hallapi.BatchResponse) error {
	now := s.o.Now()
	pending := make(map[string]bool, len(ids))
	for _, id := range ids {
		pending[id] = true
	}
	var acked []string
	for _, list := range [][]string{resp.Accepted, resp.Duplicates} {
		for _, id := range list {
			if pending[id] {
				acked = append(acked, id)
				delete(pending, id)
			}
		}
	}
	results := make(map[string]txn.Result, len(ids))
	for _, rj := range resp.Rejected {
		id := rj.ID
		if !pending[id] && rj.Index >= 0 && rj.Index < len(ids) && (id == "" || id == ids[rj.Index]) {
			// The hall refused the id itself (too long, not UTF-8) and names it by its place.
			id = ids[rj.Index]
		}
		if !pending[id] {
			continue
		}
		delete(pending, id)
		results[id] = txn.Result{State: txn.Rejected, Code: rj.Code, Message: rj.Message, At: now}
		s.logf("hall rejected transaction", "id", id, "code", rj.Code)
	}
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	for _, r := range resp.Results {
		if known[r.ID] && r.Result.State.Done() {
			results[r.ID] = r.Result
		}
	}
	if err := s.ob.Settle(now, acked, results); err != nil {
		return err
	}
	s.answered(acked)
	s.answered(slices.Collect(maps.Keys(results)))
	if len(pending) > 0 {
		rest := make([]string, 0, len(pending))
		for _, id := range ids {
			if pending[id] {
				rest = append(rest, id)
			}
		}
		err := fmt.Errorf("%w: %d of %d", ErrUnanswered, len(rest), len(ids))
		return errors.Join(err, s.ob.Requeue(rest, err))
	}
	s.publish(func(st *SyncStatus) { st.LastSync, st.LastError = now, "" })
	return nil
}

// applyResults records results pulled from /v1/results. They may name transactions this
// outbox no longer knows (a replaced kiosk disk); those are skipped one by one.
func (s *Syncer) applyResults(rs []hallapi.ResultFor) error {
	batch := make(map[string]txn.Result, len(rs))
	for _, r := range rs {
		if r.Result.State.Done() {
			batch[r.ID] = r.Result
		}
	}
	err := s.ob.SetResults(batch)
	if !errors.Is(err, outbox.ErrNotFound) {
		return err
	}
	for id, r := range batch {
		if err := s.ob.SetResult(id, r); err != nil && !errors.Is(err, outbox.ErrNotFound) {
			return err
		}
	}
	return nil
}

func (s *Syncer) resultsDue() bool { return s.ob.Stats().Counts[txn.Acknowledged] > 0 }

// pullResults fetches results the hall decided after the batches were answered.
func (s *Syncer) pullResults(ctx context.Context) error {
	cur, err := s.ob.ResultsCursor()
	if err != nil {
		return err
	}
	for {
		rctx, cancel := context.WithTimeout(ctx, s.o.RequestTimeout)
		page, err := s.c.Results(rctx, s.ob.KioskID(), cur)
		cancel()
		if err != nil {
			return err
		}
		if err := s.applyResults(page.Results); err != nil {
			return err
		}
		if page.Next > cur {
			cur = page.Next
			if err := s.ob.SetResultsCursor(cur); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
}

func (s *Syncer) batchSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batch
}

func (s *Syncer) shrink(size int) {
	s.mu.Lock()
	s.batch = max(1, size/2)
	s.mu.Unlock()
}

func (s *Syncer) logf(msg string, args ...any) {
	if s.o.Log != nil {
		s.o.Log.Info(msg, args...)
	}
}
