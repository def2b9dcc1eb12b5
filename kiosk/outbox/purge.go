package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/txn"
)

// Purge drops the personal data of records the hall acknowledged more than olderThan ago and
// returns how many it purged. The service fields and states stay for audits. When nothing is
// due it only reads, so running it often costs no fsync.
func (ob *Outbox) Purge(olderThan time.Duration) (int, error) {
	cutoff := ob.now().Add(-olderThan)
	due := func(s *stored) bool {
		return s.Sealed != nil && !s.AckedAt.IsZero() && s.AckedAt.Before(cutoff) &&
			s.State != txn.Queued && s.State != txn.Sending
	}
	var keys [][]byte
	err := ob.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
			var s stored
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("%w: record %x: %w", ErrCorrupt, k, err)
			}
			if due(&s) {
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		})
	})
	if err != nil || len(keys) == 0 {
		return 0, ob.readErr("purge", err)
	}
	n := 0
	err = ob.db.Update(func(tx *bolt.Tx) error {
		n = 0
		for _, k := range keys {
			err := ob.update(tx, k, func(s *stored) {
				if due(s) {
					s.Sealed, s.Purged = nil, true
					n++
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, ob.writeErr("purge", err)
	}
	return n, nil
}

// PurgeOpts configures RunPurge. A nil *PurgeOpts means all defaults.
type PurgeOpts struct {
	// Keep is how long personal data stays after the hall acknowledged a transaction, so a
	// returning taxpayer can still be shown their result. Zero: 30 days.
	Keep time.Duration
	// Every is the time between purges. Zero: 1 h.
	Every time.Duration
	// After is the timer between purges. Zero: time.After.
	After func(time.Duration) <-chan time.Time
	// Log receives one line per purge that dropped something, and failures. Zero: no logging.
	Log *slog.Logger
}

// RunPurge purges at once and then every PurgeOpts.Every until ctx ends, and returns ctx's
// error. The outbox's clock (Opts.Now) decides what is old enough. A failed purge is logged
// and tried again next time; a storage failure also puts the outbox out of service (Healthy).
func (ob *Outbox) RunPurge(ctx context.Context, opts *PurgeOpts) error {
	var o PurgeOpts
	if opts != nil {
		o = *opts
	}
	if o.Keep <= 0 {
		o.Keep = 30 * 24 * time.Hour
	}
	if o.Every <= 0 {
		o.Every = time.Hour
	}
	if o.After == nil {
		o.After = time.After
	}
	for {
		n, err := ob.Purge(o.Keep)
		if o.Log != nil {
			switch {
			case err != nil:
				o.Log.Error("outbox: purge failed", "err", err)
			case n > 0:
				o.Log.Info("outbox: personal data purged", "records", n, "keep", o.Keep)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-o.After(o.Every):
		}
	}
}
