package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/hall"
)

// The duty leader's buckets (hall.Fleet).
var (
	bBeats     = []byte("beats")     // kiosk id -> hall.Beat JSON
	bIncidents = []byte("incidents") // incident id -> hall.Incident JSON
	bOpen      = []byte("open")      // kiosk id, 0, kind -> the open incident's id
	bAcks      = []byte("acks")      // alarm id -> hall.Ack JSON
	bNotes     = []byte("notes")     // day, 0, sequence -> hall.Note JSON
	bNotices   = []byte("notices")   // notice id -> hall.StoredNotice JSON
)

// fleetBuckets are created by Open with the others.
var fleetBuckets = [][]byte{bBeats, bIncidents, bOpen, bAcks, bNotes, bNotices}

// clockSlack is how far a kiosk's clock may run ahead of the hall's for Between to still
// find a transaction by its creation time while walking back by time of receipt.
const clockSlack = time.Hour

func openKey(kiosk, kind string) []byte { return []byte(kiosk + "\x00" + kind) }

// PutBeat implements hall.Fleet. It shares the batches' group commit.
func (s *Store) PutBeat(ctx context.Context, b hall.Beat, conds []hall.Condition) ([]hall.Incident, error) {
	kiosk := b.Heartbeat.KioskID
	if kiosk == "" {
		return nil, fmt.Errorf("%w: heartbeat without kiosk id", hall.ErrInvalid)
	}
	b.ReceivedAt = b.ReceivedAt.UTC()
	beat, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var changed []hall.Incident
	err = s.group.do(s.db, func(tx *bolt.Tx) error {
		changed = changed[:0] // a group that failed runs this again alone
		if err := tx.Bucket(bBeats).Put([]byte(kiosk), beat); err != nil {
			return err
		}
		want := map[string]string{}
		for _, c := range conds {
			want[c.Kind] = c.Detail
		}
		open, incs := tx.Bucket(bOpen), tx.Bucket(bIncidents)
		prefix := []byte(kiosk + "\x00")
		c := open.Cursor()
		var ended [][]byte
		for k, id := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, id = c.Next() {
			kind := string(k[len(prefix):])
			if _, still := want[kind]; still {
				delete(want, kind)
				continue
			}
			inc, err := getIncident(incs, id)
			if err != nil {
				return err
			}
			inc.End = b.ReceivedAt
			if err := putIncident(incs, inc); err != nil {
				return err
			}
			changed = append(changed, inc)
			ended = append(ended, slices.Clone(k))
		}
		for _, k := range ended {
			if err := open.Delete(k); err != nil {
				return err
			}
		}
		for _, cond := range conds {
			if _, opening := want[cond.Kind]; !opening {
				continue
			}
			inc := hall.Incident{ID: hall.IncidentID(kiosk, cond.Kind, b.ReceivedAt), KioskID: kiosk, Kind: cond.Kind,
				Detail: cond.Detail, Start: b.ReceivedAt}
			if err := putIncident(incs, inc); err != nil {
				return err
			}
			if err := open.Put(openKey(kiosk, cond.Kind), []byte(inc.ID)); err != nil {
				return err
			}
			changed = append(changed, inc)
		}
		return nil
	})
	if err != nil {
		return nil, s.readErr(err)
	}
	return changed, nil
}

func getIncident(b *bolt.Bucket, id []byte) (hall.Incident, error) {
	var inc hall.Incident
	if err := json.Unmarshal(b.Get(id), &inc); err != nil {
		return inc, fmt.Errorf("%w: incident %s: %w", hall.ErrCorrupt, id, err)
	}
	return inc, nil
}

func putIncident(b *bolt.Bucket, inc hall.Incident) error {
	v, err := json.Marshal(inc)
	if err != nil {
		return err
	}
	return b.Put([]byte(inc.ID), v)
}

// Beats implements hall.Fleet.
func (s *Store) Beats(ctx context.Context) ([]hall.Beat, error) {
	var out []hall.Beat
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bBeats).ForEach(func(k, v []byte) error {
			var b hall.Beat
			if err := json.Unmarshal(v, &b); err != nil {
				return fmt.Errorf("%w: beat of %s: %w", hall.ErrCorrupt, k, err)
			}
			out = append(out, b)
			return nil
		})
	})
	return out, s.readErr(err)
}

// Silence implements hall.Fleet.
func (s *Store) Silence(ctx context.Context, now time.Time, quiet time.Duration) ([]hall.Incident, error) {
	var opened []hall.Incident
	err := s.group.do(s.db, func(tx *bolt.Tx) error {
		opened = opened[:0]
		open, incs := tx.Bucket(bOpen), tx.Bucket(bIncidents)
		return tx.Bucket(bBeats).ForEach(func(k, v []byte) error {
			var b hall.Beat
			if err := json.Unmarshal(v, &b); err != nil {
				return fmt.Errorf("%w: beat of %s: %w", hall.ErrCorrupt, k, err)
			}
			start := b.ReceivedAt.Add(quiet)
			if now.Before(start) || open.Get(openKey(string(k), hall.AlarmSilent)) != nil {
				return nil
			}
			inc := hall.Incident{ID: hall.IncidentID(string(k), hall.AlarmSilent, start), KioskID: string(k),
				Kind: hall.AlarmSilent, Start: start.UTC(), Detail: "last heartbeat " + b.ReceivedAt.UTC().Format(time.RFC3339)}
			if err := putIncident(incs, inc); err != nil {
				return err
			}
			opened = append(opened, inc)
			return open.Put(openKey(string(k), hall.AlarmSilent), []byte(inc.ID))
		})
	})
	if err != nil {
		return nil, s.readErr(err)
	}
	return opened, nil
}

// Incidents implements hall.Fleet.
func (s *Store) Incidents(ctx context.Context, from time.Time) ([]hall.Incident, error) {
	var out []hall.Incident
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bIncidents).ForEach(func(k, v []byte) error {
			var inc hall.Incident
			if err := json.Unmarshal(v, &inc); err != nil {
				return fmt.Errorf("%w: incident %s: %w", hall.ErrCorrupt, k, err)
			}
			if inc.Open() || !inc.End.Before(from) {
				out = append(out, inc)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b hall.Incident) int { return a.Start.Compare(b.Start) })
	return out, s.readErr(err)
}

// Acknowledge implements hall.Fleet.
func (s *Store) Acknowledge(ctx context.Context, a hall.Ack) (bool, error) {
	if a.AlarmID == "" {
		return false, fmt.Errorf("%w: acknowledgement without alarm id", hall.ErrInvalid)
	}
	a.At = a.At.UTC()
	v, err := json.Marshal(a)
	if err != nil {
		return false, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	first := false
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAcks)
		if b.Get([]byte(a.AlarmID)) != nil {
			return nil
		}
		first = true
		return b.Put([]byte(a.AlarmID), v)
	})
	return first, s.readErr(err)
}

// Acks implements hall.Fleet.
func (s *Store) Acks(ctx context.Context) ([]hall.Ack, error) {
	var out []hall.Ack
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAcks).ForEach(func(k, v []byte) error {
			var a hall.Ack
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("%w: ack %s: %w", hall.ErrCorrupt, k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, s.readErr(err)
}

// PutNote implements hall.Fleet.
func (s *Store) PutNote(ctx context.Context, n hall.Note) error {
	if n.Day == "" {
		return fmt.Errorf("%w: note without a day", hall.ErrInvalid)
	}
	n.At = n.At.UTC()
	v, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bNotes)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(append([]byte(n.Day+"\x00"), u64(seq)...), v)
	})
	return s.readErr(err)
}

// Notes implements hall.Fleet.
func (s *Store) Notes(ctx context.Context, day string) ([]hall.Note, error) {
	var out []hall.Note
	prefix := day + "\x00"
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bNotes).Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			var n hall.Note
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("%w: note %q: %w", hall.ErrCorrupt, k, err)
			}
			out = append(out, n)
		}
		return nil
	})
	return out, s.readErr(err)
}

// PutNotice implements hall.Fleet.
func (s *Store) PutNotice(ctx context.Context, n hall.StoredNotice) error {
	if n.ID == "" {
		return fmt.Errorf("%w: notice without id", hall.ErrInvalid)
	}
	v, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bNotices)
		if b.Get([]byte(n.ID)) != nil {
			return fmt.Errorf("%w: notice %s exists", hall.ErrInvalid, n.ID)
		}
		return b.Put([]byte(n.ID), v)
	})
	if errors.Is(err, hall.ErrInvalid) {
		return err
	}
	return s.readErr(err)
}

// WithdrawNotice implements hall.Fleet.
func (s *Store) WithdrawNotice(ctx context.Context, id string, at time.Time) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bNotices)
		v := b.Get([]byte(id))
		if v == nil {
			return hall.ErrNotFound
		}
		nv, changed, err := hall.WithdrawStored(id, v, at)
		if err != nil || !changed {
			return err
		}
		return b.Put([]byte(id), nv)
	})
	if errors.Is(err, hall.ErrNotFound) {
		return fmt.Errorf("%w: notice %s", hall.ErrNotFound, id)
	}
	return s.readErr(err)
}

// Notices implements hall.Fleet.
func (s *Store) Notices(ctx context.Context, from time.Time) ([]hall.StoredNotice, error) {
	var out []hall.StoredNotice
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bNotices).ForEach(func(k, v []byte) error {
			var n hall.StoredNotice
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("%w: notice %s: %w", hall.ErrCorrupt, k, err)
			}
			if n.End.After(from) && n.Withdrawn.IsZero() {
				out = append(out, n)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b hall.StoredNotice) int { return a.Start.Compare(b.Start) })
	return out, s.readErr(err)
}

// Between implements hall.Fleet. Records are kept per kiosk in the order they were received,
// so each kiosk's are walked back from the newest until one was received well before from.
func (s *Store) Between(ctx context.Context, from, to time.Time) ([]hall.Entry, error) {
	var out []hall.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		kiosks := tx.Bucket(bKiosks)
		return kiosks.ForEachBucket(func(kiosk []byte) error {
			var mine []hall.Entry
			c := kiosks.Bucket(kiosk).Bucket(bRecs).Cursor()
			for k, v := c.Last(); k != nil; k, v = c.Prev() {
				if err := ctx.Err(); err != nil {
					return err
				}
				var r record
				if err := json.Unmarshal(v, &r); err != nil {
					return fmt.Errorf("%w: %s/%x: %w", hall.ErrCorrupt, kiosk, k, err)
				}
				if r.ReceivedAt.Before(from.Add(-clockSlack)) {
					break
				}
				if !r.Txn.CreatedAt.Before(from) && r.Txn.CreatedAt.Before(to) {
					mine = append(mine, hall.Entry{Txn: r.Txn, Result: r.Result, ReceivedAt: r.ReceivedAt, Cursor: r.Cursor})
				}
			}
			slices.Reverse(mine)
			out = append(out, mine...)
			return nil
		})
	})
	return out, s.readErr(err)
}
