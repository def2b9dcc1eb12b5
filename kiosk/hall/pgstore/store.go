package pgstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/pgpool"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// Opts configures a Store. Key is required.
type Opts struct {
	Key    *seal.Key // seals personal data; required
	Schema string    // schema holding the tables, created if absent; zero: "hall"
	Conns  int       // connections in the pool; zero: 4, and at least 2 (the ledger lock holds one)
}

// Store is a hall.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	key    *seal.Key
	schema string
	pool   *pgpool.Pool
}

var _ hall.Store = (*Store)(nil)

// Open connects to dsn ("postgres://user@host/db") and creates the tables if needed.
func Open(ctx context.Context, dsn string, opts *Opts) (*Store, error) {
	if opts == nil || opts.Key == nil {
		return nil, fmt.Errorf("%w: pgstore needs Opts.Key", hall.ErrInvalid)
	}
	o := *opts
	if o.Schema == "" {
		o.Schema = "hall"
	}
	if !pgpool.ValidSchema(o.Schema) {
		return nil, fmt.Errorf("%w: schema name %q", hall.ErrInvalid, o.Schema)
	}
	if o.Conns == 1 {
		o.Conns = 2 // LockLedger holds one while PutBatch stores through another
	}
	pool, err := pgpool.New(dsn, o.Conns)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	s := &Store{pool: pool, key: o.Key, schema: o.Schema}
	err = s.with(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, fmt.Sprintf(`
CREATE SCHEMA IF NOT EXISTS %[1]s;
CREATE TABLE IF NOT EXISTS %[1]s.hall_kiosks (
	kiosk_id    text PRIMARY KEY,
	last_cursor bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS %[1]s.hall_txns (
	kiosk_id    text NOT NULL,
	txn_id      text NOT NULL,
	cursor      bigint NOT NULL,
	seq         bigint NOT NULL,
	kind        text NOT NULL,
	created_at  timestamptz NOT NULL,
	received_at timestamptz NOT NULL,
	txn         bytea NOT NULL,
	sealed      bytea,
	result      bytea NOT NULL,
	PRIMARY KEY (kiosk_id, txn_id),
	UNIQUE (kiosk_id, cursor)
);
ALTER TABLE %[1]s.hall_txns ADD COLUMN IF NOT EXISTS evidence bytea;
ALTER TABLE %[1]s.hall_kiosks ADD COLUMN IF NOT EXISTS max_seq bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS hall_txns_seq ON %[1]s.hall_txns (kiosk_id, seq);
CREATE INDEX IF NOT EXISTS hall_txns_kind ON %[1]s.hall_txns (kind, kiosk_id, cursor);
ALTER TABLE %[1]s.hall_txns ADD COLUMN IF NOT EXISTS ledger_mark bigserial;
CREATE INDEX IF NOT EXISTS hall_txns_ledger ON %[1]s.hall_txns (ledger_mark) WHERE kind IN ('tax_payment', 'vat_return');
CREATE TABLE IF NOT EXISTS %[1]s.hall_evidence (
	kiosk_id text NOT NULL,
	hash     bytea NOT NULL,
	sealed   bytea NOT NULL,
	PRIMARY KEY (kiosk_id, hash)
);
CREATE TABLE IF NOT EXISTS %[1]s.hall_alarms (
	n        bigserial PRIMARY KEY,
	at       timestamptz NOT NULL,
	kiosk_id text NOT NULL,
	kind     text NOT NULL,
	detail   text NOT NULL
);`, s.schema))
		if err != nil {
			return err
		}
		return s.createFleet(ctx, c)
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%w: create tables: %w", hall.ErrStorage, err)
	}
	return s, nil
}

// String is safe for logs: no password.
func (s *Store) String() string {
	return fmt.Sprintf("pgstore(%s schema %s)", s.pool, s.schema)
}

// Close closes every connection. Calls in flight keep theirs until they return it.
func (s *Store) Close() error { return s.pool.Close() }

// with lends a connection (see pgpool.Pool.With).
func (s *Store) with(ctx context.Context, fn func(*pgx.Conn) error) error {
	return s.pool.With(ctx, fn)
}

func (s *Store) t(name string) string { return s.schema + "." + name }

func aad(kiosk, id string) []byte { return []byte(kiosk + "/" + id) }

// PutBatch implements hall.Store.
func (s *Store) PutBatch(ctx context.Context, kioskID string, entries []hall.Entry) ([]hall.Outcome, error) {
	if kioskID == "" {
		return nil, fmt.Errorf("%w: empty kiosk id", hall.ErrInvalid)
	}
	type row struct {
		txn, sealed, result []byte
		evHash, evSealed    []byte
	}
	rows := make([]row, len(entries))
	evs := map[*hall.Evidence]int{} // the entries of one batch share one; sealed once
	for i, e := range entries {
		if e.Txn.ID == "" {
			return nil, fmt.Errorf("%w: empty transaction id", hall.ErrInvalid)
		}
		if ev := e.Evidence; ev != nil {
			if j, ok := evs[ev]; ok {
				rows[i].evHash, rows[i].evSealed = rows[j].evHash, rows[j].evSealed
			} else {
				sum := sha256.Sum256(ev.Body)
				pt, err := json.Marshal(ev)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
				}
				rows[i].evHash, rows[i].evSealed = sum[:], s.key.Seal(pt, evidenceAAD(kioskID, sum[:]))
				evs[ev] = i
			}
		}
		t := e.Txn
		t.Taxpayer, t.KioskID = nil, kioskID
		var err error
		if rows[i].txn, err = json.Marshal(t); err != nil {
			return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
		}
		if rows[i].result, err = json.Marshal(e.Result); err != nil {
			return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
		}
		if e.Txn.Taxpayer != nil {
			pt, err := json.Marshal(e.Txn.Taxpayer)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
			}
			rows[i].sealed = s.key.Seal(pt, aad(kioskID, e.Txn.ID))
		}
	}
	outs := make([]hall.Outcome, len(entries))
	err := s.with(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_kiosks")+` (kiosk_id, last_cursor) VALUES ($1, 0)
				ON CONFLICT (kiosk_id) DO NOTHING`, kioskID); err != nil {
				return err
			}
			var cursor, maxSeq int64
			if err := tx.QueryRow(ctx, `SELECT last_cursor, max_seq FROM `+s.t("hall_kiosks")+` WHERE kiosk_id = $1 FOR UPDATE`,
				kioskID).Scan(&cursor, &maxSeq); err != nil {
				return err
			}
			for i, e := range entries {
				if rows[i].evHash != nil && (i == 0 || !bytes.Equal(rows[i].evHash, rows[i-1].evHash)) {
					if _, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_evidence")+` (kiosk_id, hash, sealed)
						VALUES ($1, $2, $3) ON CONFLICT (kiosk_id, hash) DO NOTHING`, kioskID, rows[i].evHash, rows[i].evSealed); err != nil {
						return err
					}
				}
				tag, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_txns")+`
					(kiosk_id, txn_id, cursor, seq, kind, created_at, received_at, txn, sealed, result, evidence)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
					ON CONFLICT (kiosk_id, txn_id) DO NOTHING`,
					kioskID, e.Txn.ID, cursor+1, int64(e.Txn.Seq), string(e.Txn.Kind), e.Txn.CreatedAt.UTC(),
					e.ReceivedAt.UTC(), rows[i].txn, rows[i].sealed, rows[i].result, rows[i].evHash)
				if err != nil {
					return err
				}
				if tag.RowsAffected() == 1 {
					cursor++
					outs[i] = hall.Outcome{Result: e.Result, Cursor: uint64(cursor)}
					if seq := int64(e.Txn.Seq); seq > 0 {
						outs[i].SeqBefore = uint64(maxSeq)
						err := tx.QueryRow(ctx, `SELECT txn_id FROM `+s.t("hall_txns")+`
							WHERE kiosk_id = $1 AND seq = $2 AND txn_id <> $3 ORDER BY cursor LIMIT 1`,
							kioskID, seq, e.Txn.ID).Scan(&outs[i].SeqHeldBy)
						if err != nil && !errors.Is(err, pgx.ErrNoRows) {
							return err
						}
						maxSeq = max(maxSeq, seq)
					}
					continue
				}
				var res []byte
				var prev int64
				if err := tx.QueryRow(ctx, `SELECT result, cursor FROM `+s.t("hall_txns")+`
					WHERE kiosk_id = $1 AND txn_id = $2`, kioskID, e.Txn.ID).Scan(&res, &prev); err != nil {
					return err
				}
				outs[i] = hall.Outcome{Duplicate: true, Cursor: uint64(prev)}
				if err := json.Unmarshal(res, &outs[i].Result); err != nil {
					return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kioskID, e.Txn.ID, err)
				}
			}
			_, err := tx.Exec(ctx, `UPDATE `+s.t("hall_kiosks")+` SET last_cursor = $2, max_seq = $3 WHERE kiosk_id = $1`, kioskID, cursor, maxSeq)
			return err
		})
	})
	if err != nil {
		return nil, s.wrap("put batch", err)
	}
	return outs, nil
}

// Results implements hall.Store.
func (s *Store) Results(ctx context.Context, kioskID string, since uint64, limit int) ([]hallapi.ResultFor, error) {
	var out []hallapi.ResultFor
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT txn_id, result, cursor FROM `+s.t("hall_txns")+`
			WHERE kiosk_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`, kioskID, int64(since), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r hallapi.ResultFor
			var res []byte
			var cur int64
			if err := rows.Scan(&r.ID, &res, &cur); err != nil {
				return err
			}
			if err := json.Unmarshal(res, &r.Result); err != nil {
				return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kioskID, r.ID, err)
			}
			r.Cursor = uint64(cur)
			if r.Result.State.Done() {
				out = append(out, r)
			}
		}
		return rows.Err()
	})
	return out, s.wrap("results", err)
}

// Count implements hall.Store.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int64
	err := s.with(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT count(*) FROM `+s.t("hall_txns")).Scan(&n)
	})
	return int(n), s.wrap("count", err)
}

// List implements hall.Store.
func (s *Store) List(ctx context.Context) ([]hall.Entry, error) {
	var out []hall.Entry
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT kiosk_id, txn, sealed, result, received_at, cursor FROM `+s.t("hall_txns")+`
			ORDER BY kiosk_id, cursor`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kiosk string
			var tj, sealed, res []byte
			var received time.Time
			var cur int64
			if err := rows.Scan(&kiosk, &tj, &sealed, &res, &received, &cur); err != nil {
				return err
			}
			e := hall.Entry{ReceivedAt: received.UTC(), Cursor: uint64(cur)}
			if json.Unmarshal(tj, &e.Txn) != nil || json.Unmarshal(res, &e.Result) != nil {
				return fmt.Errorf("%w: %s: undecodable row", hall.ErrCorrupt, kiosk)
			}
			if sealed != nil {
				pt, err := s.key.Open(sealed, aad(kiosk, e.Txn.ID))
				if err != nil {
					return fmt.Errorf("%w: %s/%s: %w", hall.ErrCorrupt, kiosk, e.Txn.ID, err)
				}
				var tp txn.Taxpayer
				if err := json.Unmarshal(pt, &tp); err != nil {
					return fmt.Errorf("%w: %s/%s: taxpayer", hall.ErrCorrupt, kiosk, e.Txn.ID)
				}
				e.Txn.Taxpayer = &tp
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, s.wrap("list", err)
}

// Payments implements hall.Store: by the kind index, without opening taxpayers.
func (s *Store) Payments(ctx context.Context) ([]hall.Entry, error) {
	return s.ofKind(ctx, txn.KindTaxPayment, "payments")
}

// Returns implements hall.Store: by the kind index, without opening taxpayers.
func (s *Store) Returns(ctx context.Context) ([]hall.Entry, error) {
	return s.ofKind(ctx, txn.KindVATReturn, "returns")
}

// LockLedger implements hall.SharedStore with a session advisory lock, named after the
// schema, held on a connection of its own until unlock: the batch decided under it is
// stored through another connection of the pool. A connection whose unlock failed is
// closed, which releases the lock.
func (s *Store) LockLedger(ctx context.Context) (unlock func(), err error) {
	name := s.schema + ".ledger"
	locked, release, done := make(chan error, 1), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		err := s.with(ctx, func(c *pgx.Conn) error {
			if _, err := c.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, name); err != nil {
				return err
			}
			locked <- nil
			<-release
			uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := c.Exec(uctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, name); err != nil {
				c.Close(uctx)
				return err
			}
			return nil
		})
		if err != nil {
			select {
			case locked <- err: // not locked: LockLedger returns it
			default: // the unlock failed; the connection was closed
			}
		}
	}()
	if err := <-locked; err != nil {
		<-done
		return nil, fmt.Errorf("%w: ledger lock: %w", hall.ErrStorage, err)
	}
	return func() { close(release); <-done }, nil
}

// LedgerSince implements hall.SharedStore over the ledger_mark column, which every
// transaction takes when it is inserted: the payments and returns are inserted under the
// ledger lock, so their marks grow in commit order.
func (s *Store) LedgerSince(ctx context.Context, since int64) ([]hall.Entry, int64, error) {
	var out []hall.Entry
	mark := since
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT txn, result, received_at, cursor, ledger_mark FROM `+s.t("hall_txns")+`
			WHERE kind IN ('tax_payment', 'vat_return') AND ledger_mark > $1 ORDER BY ledger_mark`, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tj, res []byte
			var received time.Time
			var cur, m int64
			if err := rows.Scan(&tj, &res, &received, &cur, &m); err != nil {
				return err
			}
			e := hall.Entry{ReceivedAt: received.UTC(), Cursor: uint64(cur)}
			if json.Unmarshal(tj, &e.Txn) != nil || json.Unmarshal(res, &e.Result) != nil {
				return fmt.Errorf("%w: ledger mark %d: undecodable row", hall.ErrCorrupt, m)
			}
			out, mark = append(out, e), m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, since, fmt.Errorf("%w: ledger: %w", hall.ErrStorage, err)
	}
	return out, mark, nil
}

// ofKind reads every stored transaction of kind, by kiosk id then cursor.
func (s *Store) ofKind(ctx context.Context, kind txn.Kind, what string) ([]hall.Entry, error) {
	return s.entries(ctx, what, `WHERE kind = $1`, string(kind))
}

// entries reads the stored transactions matching where (with args), by kiosk id then
// cursor, without opening their Taxpayer.
func (s *Store) entries(ctx context.Context, what, where string, args ...any) ([]hall.Entry, error) {
	var out []hall.Entry
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT kiosk_id, txn, result, received_at, cursor FROM `+s.t("hall_txns")+`
			`+where+` ORDER BY kiosk_id, cursor`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kiosk string
			var tj, res []byte
			var received time.Time
			var cur int64
			if err := rows.Scan(&kiosk, &tj, &res, &received, &cur); err != nil {
				return err
			}
			e := hall.Entry{ReceivedAt: received.UTC(), Cursor: uint64(cur)}
			if json.Unmarshal(tj, &e.Txn) != nil || json.Unmarshal(res, &e.Result) != nil {
				return fmt.Errorf("%w: %s: undecodable row", hall.ErrCorrupt, kiosk)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, s.wrap(what, err)
}

// Evidence implements hall.Store.
func (s *Store) Evidence(ctx context.Context, kioskID, txnID string) (hall.Evidence, error) {
	var ev hall.Evidence
	var hash, sealed []byte
	err := s.with(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT e.hash, e.sealed FROM `+s.t("hall_txns")+` t JOIN `+s.t("hall_evidence")+` e
			ON e.kiosk_id = t.kiosk_id AND e.hash = t.evidence WHERE t.kiosk_id = $1 AND t.txn_id = $2`,
			kioskID, txnID).Scan(&hash, &sealed)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return ev, fmt.Errorf("%w: evidence of %s/%s", hall.ErrNotFound, kioskID, txnID)
	}
	if err != nil {
		return ev, s.wrap("evidence", err)
	}
	pt, err := s.key.Open(sealed, evidenceAAD(kioskID, hash))
	if err != nil {
		return ev, fmt.Errorf("%w: %s/%s evidence: %w", hall.ErrCorrupt, kioskID, txnID, err)
	}
	if err := json.Unmarshal(pt, &ev); err != nil {
		return ev, fmt.Errorf("%w: %s/%s evidence", hall.ErrCorrupt, kioskID, txnID)
	}
	return ev, nil
}

// PutAlarms implements hall.Store.
func (s *Store) PutAlarms(ctx context.Context, alarms []hall.Alarm) error {
	if len(alarms) == 0 {
		return nil
	}
	err := s.with(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			for _, a := range alarms {
				if _, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_alarms")+` (at, kiosk_id, kind, detail) VALUES ($1, $2, $3, $4)`,
					a.At.UTC(), a.KioskID, a.Kind, a.Detail); err != nil {
					return err
				}
			}
			return nil
		})
	})
	return s.wrap("put alarms", err)
}

// Alarms implements hall.Store.
func (s *Store) Alarms(ctx context.Context) ([]hall.Alarm, error) {
	var out []hall.Alarm
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT at, kiosk_id, kind, detail FROM `+s.t("hall_alarms")+` ORDER BY n`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a hall.Alarm
			if err := rows.Scan(&a.At, &a.KioskID, &a.Kind, &a.Detail); err != nil {
				return err
			}
			a.At = a.At.UTC()
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, s.wrap("alarms", err)
}

func evidenceAAD(kiosk string, hash []byte) []byte {
	return []byte(kiosk + "/evidence/" + hex.EncodeToString(hash))
}

func (s *Store) wrap(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, hall.ErrCorrupt), errors.Is(err, hall.ErrInvalid),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%w: %s: %w", hall.ErrStorage, op, err)
}
