package boltstaff

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/hall/staff"
)

// Store is a staff.Store on bbolt. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

var _ staff.Store = (*Store)(nil)

var (
	bAccounts = []byte("accounts")  // name -> Account
	bSessions = []byte("sessions")  // id -> Session
	bAudit    = []byte("audit")     // sequence -> AuditEntry
	bKiosks   = []byte("kiosks")    // id -> Kiosk
	bHelp     = []byte("help")      // id -> HelpCall
	bHelpLast = []byte("help_last") // kiosk id -> id of its latest call
	bQueue    = []byte("queue")     // day -> {"n/"+business -> seq, "t/"+number -> Ticket}
)

// Open opens or creates the store at path; a file another process holds is refused after
// a second.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bAccounts, bSessions, bAudit, bKiosks, bHelp, bHelpLast, bQueue} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	return &Store{db: db, path: path}, nil
}

func (s *Store) String() string { return "boltstaff(" + s.path + ")" }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// update runs f in a write transaction; errors of f pass through, bbolt's are ErrStorage.
func (s *Store) update(ctx context.Context, f func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var ferr error
	err := s.db.Update(func(tx *bolt.Tx) error {
		ferr = f(tx)
		return ferr
	})
	if ferr != nil {
		return ferr
	}
	if err != nil {
		return fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	return nil
}

func (s *Store) view(ctx context.Context, f func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(f)
}

func get[T any](b *bolt.Bucket, key string) (T, error) {
	var v T
	data := b.Get([]byte(key))
	if data == nil {
		return v, fmt.Errorf("%w: %q", staff.ErrNotFound, key)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("%w: %q: %w", staff.ErrStorage, key, err)
	}
	return v, nil
}

func put(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// modify is the read-modify-write every Update... method is.
func modify[T any](s *Store, ctx context.Context, bucket []byte, key string, f func(*T) error) (T, error) {
	var v T
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		var err error
		if v, err = get[T](b, key); err != nil {
			return err
		}
		if err := f(&v); err != nil {
			return err
		}
		return put(b, key, v)
	})
	return v, err
}

func all[T any](b *bolt.Bucket) ([]T, error) {
	var out []T
	err := b.ForEach(func(k, data []byte) error {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("%w: %q: %w", staff.ErrStorage, k, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

func (s *Store) AddAccount(ctx context.Context, a staff.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bAccounts)
		if b.Get([]byte(a.Name)) != nil {
			return fmt.Errorf("%w: account %q", staff.ErrExists, a.Name)
		}
		return put(b, a.Name, a)
	})
}

func (s *Store) Account(ctx context.Context, name string) (a staff.Account, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		a, err = get[staff.Account](tx.Bucket(bAccounts), name)
		return err
	})
	return a, err
}

func (s *Store) Accounts(ctx context.Context) (as []staff.Account, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		as, err = all[staff.Account](tx.Bucket(bAccounts))
		return err
	})
	return as, err
}

func (s *Store) UpdateAccount(ctx context.Context, name string, f func(*staff.Account) error) (staff.Account, error) {
	return modify(s, ctx, bAccounts, name, func(a *staff.Account) error {
		if err := f(a); err != nil {
			return err
		}
		a.Name = name
		return a.Validate()
	})
}

func (s *Store) PutSession(ctx context.Context, se staff.Session) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bSessions)
		// Expired sessions go when a new one comes: the bucket stays as small as the staff.
		c := b.Cursor()
		for k, data := c.First(); k != nil; k, data = c.Next() {
			var old staff.Session
			if json.Unmarshal(data, &old) == nil && old.Expires.Before(se.Created) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return put(b, se.ID, se)
	})
}

func (s *Store) Session(ctx context.Context, id string) (se staff.Session, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		se, err = get[staff.Session](tx.Bucket(bSessions), id)
		return err
	})
	return se, err
}

func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bSessions).Delete([]byte(id)) })
}

func (s *Store) Audit(ctx context.Context, e staff.AuditEntry) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, n), data)
	})
}

func (s *Store) AuditLog(ctx context.Context, limit int) (out []staff.AuditEntry, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, data := c.Last(); k != nil && len(out) < limit; k, data = c.Prev() {
			var e staff.AuditEntry
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("%w: audit: %w", staff.ErrStorage, err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

func (s *Store) PutKiosk(ctx context.Context, k staff.Kiosk) error {
	if k.ID == "" {
		return fmt.Errorf("%w: kiosk without id", staff.ErrInvalid)
	}
	return s.update(ctx, func(tx *bolt.Tx) error { return put(tx.Bucket(bKiosks), k.ID, k) })
}

func (s *Store) Kiosks(ctx context.Context) (ks []staff.Kiosk, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		ks, err = all[staff.Kiosk](tx.Bucket(bKiosks))
		return err
	})
	return ks, err
}

func (s *Store) AddHelpCall(ctx context.Context, c staff.HelpCall) (added bool, err error) {
	if c.ID == "" || c.KioskID == "" {
		return false, fmt.Errorf("%w: help call without id", staff.ErrInvalid)
	}
	c.State = staff.HelpWaiting
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bHelp)
		if b.Get([]byte(c.ID)) != nil {
			return nil
		}
		added = true
		if err := tx.Bucket(bHelpLast).Put([]byte(c.KioskID), []byte(c.ID)); err != nil {
			return err
		}
		return put(b, c.ID, c)
	})
	return added, err
}

func (s *Store) HelpCall(ctx context.Context, id string) (c staff.HelpCall, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c, err = get[staff.HelpCall](tx.Bucket(bHelp), id)
		return err
	})
	return c, err
}

func (s *Store) HelpCalls(ctx context.Context, since time.Time) ([]staff.HelpCall, error) {
	var out []staff.HelpCall
	err := s.view(ctx, func(tx *bolt.Tx) error {
		cs, err := all[staff.HelpCall](tx.Bucket(bHelp))
		for _, c := range cs {
			if !c.CalledAt.Before(since) || c.Open() {
				out = append(out, c)
			}
		}
		return err
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CalledAt.Before(out[j].CalledAt) })
	return out, err
}

func (s *Store) LatestHelpCall(ctx context.Context, kioskID string) (c staff.HelpCall, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bHelpLast).Get([]byte(kioskID))
		if id == nil {
			return fmt.Errorf("%w: no help call of kiosk %q", staff.ErrNotFound, kioskID)
		}
		c, err = get[staff.HelpCall](tx.Bucket(bHelp), string(id))
		return err
	})
	return c, err
}

func (s *Store) UpdateHelpCall(ctx context.Context, id string, f func(*staff.HelpCall) error) (staff.HelpCall, error) {
	return modify(s, ctx, bHelp, id, func(c *staff.HelpCall) error {
		if err := f(c); err != nil {
			return err
		}
		c.ID = id
		return nil
	})
}

// day is a day's queue bucket, created when create is set.
func day(tx *bolt.Tx, d string, create bool) (*bolt.Bucket, error) {
	q := tx.Bucket(bQueue)
	if create {
		return q.CreateBucketIfNotExists([]byte(d))
	}
	if b := q.Bucket([]byte(d)); b != nil {
		return b, nil
	}
	return nil, nil
}

func (s *Store) TakeTicket(ctx context.Context, t staff.Ticket) (staff.Ticket, int, error) {
	if !staff.KnownBusiness(t.Business) || t.Day == "" {
		return t, 0, fmt.Errorf("%w: business %q on day %q", staff.ErrInvalid, t.Business, t.Day)
	}
	var ahead int
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := day(tx, t.Day, true)
		if err != nil {
			return err
		}
		nk := []byte("n/" + t.Business)
		var n uint64
		if v := b.Get(nk); v != nil {
			n = binary.BigEndian.Uint64(v)
		}
		n++
		if err := b.Put(nk, binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
		t.Seq, t.Number, t.State = int(n), staff.TicketNumber(t.Business, int(n)), staff.TicketWaiting
		tickets, err := dayTickets(b)
		for _, o := range tickets {
			if o.Business == t.Business && o.State == staff.TicketWaiting {
				ahead++
			}
		}
		if err != nil {
			return err
		}
		return put(b, "t/"+t.Number, t)
	})
	return t, ahead, err
}

func dayTickets(b *bolt.Bucket) ([]staff.Ticket, error) {
	var out []staff.Ticket
	c := b.Cursor()
	prefix := []byte("t/")
	for k, data := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, data = c.Next() {
		var t staff.Ticket
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("%w: ticket %s: %w", staff.ErrStorage, k, err)
		}
		out = append(out, t)
	}
	return out, nil
}

func (s *Store) CallNext(ctx context.Context, d, business string, counter int, clerk string, now time.Time) (staff.Ticket, error) {
	var got staff.Ticket
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := day(tx, d, false)
		if err != nil {
			return err
		}
		if b == nil {
			return staff.ErrEmpty
		}
		tickets, err := dayTickets(b)
		if err != nil {
			return err
		}
		found := false
		for _, t := range tickets {
			if t.Business == business && t.State == staff.TicketWaiting && (!found || t.Seq < got.Seq) {
				got, found = t, true
			}
		}
		if !found {
			return staff.ErrEmpty
		}
		got.State, got.Counter, got.Clerk, got.CalledAt, got.Calls = staff.TicketCalled, counter, clerk, now.UTC(), 1
		return put(b, "t/"+got.Number, got)
	})
	return got, err
}

func (s *Store) UpdateTicket(ctx context.Context, d, number string, f func(*staff.Ticket) error) (staff.Ticket, error) {
	var t staff.Ticket
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := day(tx, d, false)
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("%w: ticket %s on %s", staff.ErrNotFound, number, d)
		}
		if t, err = get[staff.Ticket](b, "t/"+number); err != nil {
			return err
		}
		if err := f(&t); err != nil {
			return err
		}
		t.Number = number
		return put(b, "t/"+number, t)
	})
	return t, err
}

func (s *Store) Queue(ctx context.Context, d string, lastCalls int) (staff.QueueState, error) {
	var tickets []staff.Ticket
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, _ := day(tx, d, false)
		if b == nil {
			return nil
		}
		var err error
		tickets, err = dayTickets(b)
		return err
	})
	return staff.QueueOf(tickets, lastCalls), err
}
