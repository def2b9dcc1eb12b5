package pgstaff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall/pgpool"
	"taxkiosk/kiosk/hall/staff"
)

// Opts configures a Store. A nil *Opts means all defaults.
type Opts struct {
	Schema string // schema of the hall's tables, created if absent; zero: "hall"
	Conns  int    // connections in the pool; zero: 4
}

// Store is a staff.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	schema string
	pool   *pgpool.Pool
}

var _ staff.Store = (*Store)(nil)

// Document kinds in staff_docs.
const (
	kAccount = "account"
	kSession = "session"
	kKiosk   = "kiosk"
	kHelp    = "help"
	kTicket  = "ticket"
)

// Open connects to dsn and creates the tables if needed.
func Open(ctx context.Context, dsn string, opts *Opts) (*Store, error) {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Schema == "" {
		o.Schema = "hall"
	}
	if !pgpool.ValidSchema(o.Schema) {
		return nil, fmt.Errorf("%w: schema name %q", staff.ErrInvalid, o.Schema)
	}
	pool, err := pgpool.New(dsn, o.Conns)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", staff.ErrInvalid, err)
	}
	s := &Store{pool: pool, schema: o.Schema}
	// grp groups documents for the queries that need it (a help call's kiosk, a ticket's
	// day); at is the time they are ordered or filtered by.
	err = s.with(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, fmt.Sprintf(`
CREATE SCHEMA IF NOT EXISTS %[1]s;
CREATE TABLE IF NOT EXISTS %[1]s.staff_docs (
	kind text NOT NULL,
	key  text NOT NULL,
	grp  text NOT NULL DEFAULT '',
	at   timestamptz,
	doc  jsonb NOT NULL,
	PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS staff_docs_grp ON %[1]s.staff_docs (kind, grp, at);
CREATE TABLE IF NOT EXISTS %[1]s.staff_audit (
	n   bigserial PRIMARY KEY,
	doc jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS %[1]s.staff_queue_seq (
	day      text NOT NULL,
	business text NOT NULL,
	n        bigint NOT NULL,
	PRIMARY KEY (day, business)
);`, s.schema))
		return err
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%w: create tables: %w", staff.ErrStorage, err)
	}
	return s, nil
}

// String is safe for logs: no password.
func (s *Store) String() string {
	return fmt.Sprintf("pgstaff(%s schema %s)", s.pool, s.schema)
}

// Close closes every idle connection.
func (s *Store) Close() error { return s.pool.Close() }

// with lends a connection (see pgpool.Pool.With); a failure to connect is ErrStorage.
func (s *Store) with(ctx context.Context, fn func(*pgx.Conn) error) error {
	err := s.pool.With(ctx, fn)
	if errors.Is(err, pgpool.ErrDial) {
		return fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	return err
}

// tx runs fn in a transaction; fn's own errors pass through, the database's are ErrStorage.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.with(ctx, func(c *pgx.Conn) error {
		var ferr error
		err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			ferr = fn(tx)
			return ferr
		})
		if ferr != nil {
			return ferr
		}
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		return nil
	})
}

func (s *Store) t(name string) string { return s.schema + "." + name }

// doc is one row of staff_docs.
type doc struct {
	kind, key, grp string
	at             *time.Time
	v              any
}

func (s *Store) put(ctx context.Context, tx pgx.Tx, d doc, insertOnly bool) (bool, error) {
	data, err := json.Marshal(d.v)
	if err != nil {
		return false, err
	}
	conflict := `DO UPDATE SET grp = EXCLUDED.grp, at = EXCLUDED.at, doc = EXCLUDED.doc`
	if insertOnly {
		conflict = `DO NOTHING`
	}
	tag, err := tx.Exec(ctx, `INSERT INTO `+s.t("staff_docs")+` (kind, key, grp, at, doc) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (kind, key) `+conflict, d.kind, d.key, d.grp, d.at, data)
	if err != nil {
		return false, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	return tag.RowsAffected() == 1, nil
}

func getDoc[T any](ctx context.Context, s *Store, tx pgx.Tx, kind, key string, lock bool) (T, error) {
	var v T
	var data []byte
	q := `SELECT doc FROM ` + s.t("staff_docs") + ` WHERE kind = $1 AND key = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	err := tx.QueryRow(ctx, q, kind, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("%w: %s %q", staff.ErrNotFound, kind, key)
	}
	if err != nil {
		return v, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("%w: %s %q: %w", staff.ErrStorage, kind, key, err)
	}
	return v, nil
}

// list reads the documents of kind, of group grp unless grp is "", optionally locked.
func list[T any](ctx context.Context, s *Store, tx pgx.Tx, kind, grp string, lock bool) ([]T, error) {
	q := `SELECT doc FROM ` + s.t("staff_docs") + ` WHERE kind = $1 AND ($2 = '' OR grp = $2) ORDER BY key`
	if lock {
		q += ` FOR UPDATE`
	}
	rows, err := tx.Query(ctx, q, kind, grp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", staff.ErrStorage, kind, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", staff.ErrStorage, err)
	}
	return out, nil
}

// modify is the locked read-modify-write of one document.
func modify[T any](ctx context.Context, s *Store, kind, key string, at func(T) (string, *time.Time), f func(*T) error) (T, error) {
	var v T
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if v, err = getDoc[T](ctx, s, tx, kind, key, true); err != nil {
			return err
		}
		if err := f(&v); err != nil {
			return err
		}
		grp, when := at(v)
		_, err = s.put(ctx, tx, doc{kind: kind, key: key, grp: grp, at: when, v: v}, false)
		return err
	})
	return v, err
}

func noGroup[T any](T) (string, *time.Time) { return "", nil }

func (s *Store) AddAccount(ctx context.Context, a staff.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		added, err := s.put(ctx, tx, doc{kind: kAccount, key: a.Name, v: a}, true)
		if err == nil && !added {
			err = fmt.Errorf("%w: account %q", staff.ErrExists, a.Name)
		}
		return err
	})
}

func (s *Store) Account(ctx context.Context, name string) (a staff.Account, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		a, err = getDoc[staff.Account](ctx, s, tx, kAccount, name, false)
		return err
	})
	return a, err
}

func (s *Store) Accounts(ctx context.Context) (as []staff.Account, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		as, err = list[staff.Account](ctx, s, tx, kAccount, "", false)
		return err
	})
	return as, err
}

func (s *Store) UpdateAccount(ctx context.Context, name string, f func(*staff.Account) error) (staff.Account, error) {
	return modify(ctx, s, kAccount, name, noGroup[staff.Account], func(a *staff.Account) error {
		if err := f(a); err != nil {
			return err
		}
		a.Name = name
		return a.Validate()
	})
}

func (s *Store) PutSession(ctx context.Context, se staff.Session) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM `+s.t("staff_docs")+` WHERE kind = $1 AND at < $2`, kSession, se.Created); err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		_, err := s.put(ctx, tx, doc{kind: kSession, key: se.ID, at: &se.Expires, v: se}, false)
		return err
	})
}

func (s *Store) Session(ctx context.Context, id string) (se staff.Session, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		se, err = getDoc[staff.Session](ctx, s, tx, kSession, id, false)
		return err
	})
	return se, err
}

func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM `+s.t("staff_docs")+` WHERE kind = $1 AND key = $2`, kSession, id)
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		return nil
	})
}

func (s *Store) Audit(ctx context.Context, e staff.AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO `+s.t("staff_audit")+` (doc) VALUES ($1)`, data); err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		return nil
	})
}

func (s *Store) AuditLog(ctx context.Context, limit int) ([]staff.AuditEntry, error) {
	var out []staff.AuditEntry
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT doc FROM `+s.t("staff_audit")+` ORDER BY n DESC LIMIT $1`, limit)
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		defer rows.Close()
		for rows.Next() {
			var data []byte
			var e staff.AuditEntry
			if err := rows.Scan(&data); err != nil {
				return fmt.Errorf("%w: %w", staff.ErrStorage, err)
			}
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("%w: audit: %w", staff.ErrStorage, err)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) PutKiosk(ctx context.Context, k staff.Kiosk) error {
	if k.ID == "" {
		return fmt.Errorf("%w: kiosk without id", staff.ErrInvalid)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := s.put(ctx, tx, doc{kind: kKiosk, key: k.ID, v: k}, false)
		return err
	})
}

func (s *Store) Kiosks(ctx context.Context) (ks []staff.Kiosk, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		ks, err = list[staff.Kiosk](ctx, s, tx, kKiosk, "", false)
		return err
	})
	return ks, err
}

func helpGroup(c staff.HelpCall) (string, *time.Time) { return c.KioskID, &c.CalledAt }

func (s *Store) AddHelpCall(ctx context.Context, c staff.HelpCall) (added bool, err error) {
	if c.ID == "" || c.KioskID == "" {
		return false, fmt.Errorf("%w: help call without id", staff.ErrInvalid)
	}
	c.State = staff.HelpWaiting
	err = s.tx(ctx, func(tx pgx.Tx) error {
		added, err = s.put(ctx, tx, doc{kind: kHelp, key: c.ID, grp: c.KioskID, at: &c.CalledAt, v: c}, true)
		return err
	})
	return added, err
}

func (s *Store) HelpCall(ctx context.Context, id string) (c staff.HelpCall, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		c, err = getDoc[staff.HelpCall](ctx, s, tx, kHelp, id, false)
		return err
	})
	return c, err
}

func (s *Store) HelpCalls(ctx context.Context, since time.Time) ([]staff.HelpCall, error) {
	var out []staff.HelpCall
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT doc FROM `+s.t("staff_docs")+`
WHERE kind = $1 AND (at >= $2 OR doc->>'state' IN ($3, $4)) ORDER BY at, key`, kHelp, since, staff.HelpWaiting, staff.HelpAccepted)
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		defer rows.Close()
		for rows.Next() {
			var data []byte
			var c staff.HelpCall
			if err := rows.Scan(&data); err != nil {
				return fmt.Errorf("%w: %w", staff.ErrStorage, err)
			}
			if err := json.Unmarshal(data, &c); err != nil {
				return fmt.Errorf("%w: help call: %w", staff.ErrStorage, err)
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) LatestHelpCall(ctx context.Context, kioskID string) (c staff.HelpCall, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		var data []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM `+s.t("staff_docs")+` WHERE kind = $1 AND grp = $2 ORDER BY at DESC, key DESC LIMIT 1`, kHelp, kioskID).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: no help call of kiosk %q", staff.ErrNotFound, kioskID)
		}
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		return json.Unmarshal(data, &c)
	})
	return c, err
}

func (s *Store) UpdateHelpCall(ctx context.Context, id string, f func(*staff.HelpCall) error) (staff.HelpCall, error) {
	return modify(ctx, s, kHelp, id, helpGroup, func(c *staff.HelpCall) error {
		if err := f(c); err != nil {
			return err
		}
		c.ID = id
		return nil
	})
}

func ticketKey(day, number string) string { return day + "/" + number }

func ticketGroup(t staff.Ticket) (string, *time.Time) { return t.Day, nil }

func (s *Store) TakeTicket(ctx context.Context, t staff.Ticket) (staff.Ticket, int, error) {
	if !staff.KnownBusiness(t.Business) || t.Day == "" {
		return t, 0, fmt.Errorf("%w: business %q on day %q", staff.ErrInvalid, t.Business, t.Day)
	}
	var ahead int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var n int
		err := tx.QueryRow(ctx, `INSERT INTO `+s.t("staff_queue_seq")+` (day, business, n) VALUES ($1, $2, 1)
ON CONFLICT (day, business) DO UPDATE SET n = `+s.t("staff_queue_seq")+`.n + 1 RETURNING n`, t.Day, t.Business).Scan(&n)
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		t.Seq, t.Number, t.State = n, staff.TicketNumber(t.Business, n), staff.TicketWaiting
		err = tx.QueryRow(ctx, `SELECT count(*) FROM `+s.t("staff_docs")+` WHERE kind = $1 AND grp = $2 AND doc->>'business' = $3 AND doc->>'state' = $4`,
			kTicket, t.Day, t.Business, staff.TicketWaiting).Scan(&ahead)
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		_, err = s.put(ctx, tx, doc{kind: kTicket, key: ticketKey(t.Day, t.Number), grp: t.Day, v: t}, false)
		return err
	})
	return t, ahead, err
}

func (s *Store) CallNext(ctx context.Context, day, business string, counter int, clerk string, now time.Time) (staff.Ticket, error) {
	var got staff.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// SKIP LOCKED: a second counter calling at the same moment takes the next ticket
		// rather than waiting for this one.
		var data []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM `+s.t("staff_docs")+`
WHERE kind = $1 AND grp = $2 AND doc->>'business' = $3 AND doc->>'state' = $4
ORDER BY (doc->>'seq')::int LIMIT 1 FOR UPDATE SKIP LOCKED`, kTicket, day, business, staff.TicketWaiting).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return staff.ErrEmpty
		}
		if err != nil {
			return fmt.Errorf("%w: %w", staff.ErrStorage, err)
		}
		if err := json.Unmarshal(data, &got); err != nil {
			return fmt.Errorf("%w: ticket: %w", staff.ErrStorage, err)
		}
		got.State, got.Counter, got.Clerk, got.CalledAt, got.Calls = staff.TicketCalled, counter, clerk, now.UTC(), 1
		_, err = s.put(ctx, tx, doc{kind: kTicket, key: ticketKey(day, got.Number), grp: day, v: got}, false)
		return err
	})
	return got, err
}

func (s *Store) UpdateTicket(ctx context.Context, day, number string, f func(*staff.Ticket) error) (staff.Ticket, error) {
	return modify(ctx, s, kTicket, ticketKey(day, number), ticketGroup, func(t *staff.Ticket) error {
		if err := f(t); err != nil {
			return err
		}
		t.Number, t.Day = number, day
		return nil
	})
}

func (s *Store) Queue(ctx context.Context, day string, lastCalls int) (staff.QueueState, error) {
	var tickets []staff.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		tickets, err = list[staff.Ticket](ctx, s, tx, kTicket, day, false)
		return err
	})
	return staff.QueueOf(tickets, lastCalls), err
}
