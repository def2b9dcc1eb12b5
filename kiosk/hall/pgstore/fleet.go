package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall"
)

// fleetTables are the duty leader's tables (hall.Fleet). An open incident is unique per
// kiosk and kind (a partial unique index), so two halls that see the same condition at once
// open it once.
const fleetTables = `
CREATE TABLE IF NOT EXISTS %[1]s.hall_beats (
	kiosk_id    text PRIMARY KEY,
	received_at timestamptz NOT NULL,
	beat        bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS %[1]s.hall_incidents (
	id       text PRIMARY KEY,
	kiosk_id text NOT NULL,
	kind     text NOT NULL,
	detail   text NOT NULL,
	start_at timestamptz NOT NULL,
	end_at   timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS hall_incidents_open ON %[1]s.hall_incidents (kiosk_id, kind) WHERE end_at IS NULL;
CREATE TABLE IF NOT EXISTS %[1]s.hall_acks (
	alarm_id text PRIMARY KEY,
	by_name  text NOT NULL,
	at       timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS %[1]s.hall_notes (
	n       bigserial PRIMARY KEY,
	day     text NOT NULL,
	at      timestamptz NOT NULL,
	by_name text NOT NULL,
	body    text NOT NULL
);
CREATE INDEX IF NOT EXISTS hall_notes_day ON %[1]s.hall_notes (day, n);
CREATE TABLE IF NOT EXISTS %[1]s.hall_notices (
	id      text PRIMARY KEY,
	end_at  timestamptz NOT NULL,
	notice  bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS hall_txns_created ON %[1]s.hall_txns (created_at);`

// createFleet creates the duty leader's tables; Open calls it after the transactions' tables.
func (s *Store) createFleet(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, fmt.Sprintf(fleetTables, s.schema))
	return err
}

// PutBeat implements hall.Fleet. The beat's upsert locks the kiosk's row, so two halls
// storing beats of one kiosk at once bring its incidents in line one after the other.
func (s *Store) PutBeat(ctx context.Context, b hall.Beat, conds []hall.Condition) ([]hall.Incident, error) {
	kiosk := b.Heartbeat.KioskID
	if kiosk == "" {
		return nil, fmt.Errorf("%w: heartbeat without kiosk id", hall.ErrInvalid)
	}
	b.ReceivedAt = b.ReceivedAt.UTC().Truncate(time.Microsecond) // as the column keeps it
	beat, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", hall.ErrInvalid, err)
	}
	var changed []hall.Incident
	err = s.with(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			changed = nil
			if _, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_beats")+` (kiosk_id, received_at, beat) VALUES ($1, $2, $3)
				ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, beat = excluded.beat`,
				kiosk, b.ReceivedAt, beat); err != nil {
				return err
			}
			want := map[string]string{}
			for _, c := range conds {
				want[c.Kind] = c.Detail
			}
			open, err := s.incidents(ctx, tx, `WHERE kiosk_id = $1 AND end_at IS NULL`, kiosk)
			if err != nil {
				return err
			}
			for _, inc := range open {
				if _, still := want[inc.Kind]; still {
					delete(want, inc.Kind)
					continue
				}
				inc.End = b.ReceivedAt
				if _, err := tx.Exec(ctx, `UPDATE `+s.t("hall_incidents")+` SET end_at = $2 WHERE id = $1`, inc.ID, inc.End); err != nil {
					return err
				}
				changed = append(changed, inc)
			}
			for _, cond := range conds {
				if _, opening := want[cond.Kind]; !opening {
					continue
				}
				inc := hall.Incident{ID: hall.IncidentID(kiosk, cond.Kind, b.ReceivedAt), KioskID: kiosk, Kind: cond.Kind,
					Detail: cond.Detail, Start: b.ReceivedAt}
				tag, err := tx.Exec(ctx, `INSERT INTO `+s.t("hall_incidents")+` (id, kiosk_id, kind, detail, start_at)
					VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, inc.ID, kiosk, inc.Kind, inc.Detail, inc.Start)
				if err != nil {
					return err
				}
				if tag.RowsAffected() == 1 {
					changed = append(changed, inc)
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, s.wrap("put beat", err)
	}
	return changed, nil
}

// incidents reads incidents matching where (with args) through q.
func (s *Store) incidents(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, where string, args ...any) ([]hall.Incident, error) {
	rows, err := q.Query(ctx, `SELECT id, kiosk_id, kind, detail, start_at, end_at FROM `+s.t("hall_incidents")+` `+where+` ORDER BY start_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hall.Incident
	for rows.Next() {
		var inc hall.Incident
		var end *time.Time
		if err := rows.Scan(&inc.ID, &inc.KioskID, &inc.Kind, &inc.Detail, &inc.Start, &end); err != nil {
			return nil, err
		}
		inc.Start = inc.Start.UTC()
		if end != nil {
			inc.End = end.UTC()
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

// Beats implements hall.Fleet.
func (s *Store) Beats(ctx context.Context) ([]hall.Beat, error) {
	var out []hall.Beat
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT kiosk_id, beat FROM `+s.t("hall_beats")+` ORDER BY kiosk_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kiosk string
			var v []byte
			if err := rows.Scan(&kiosk, &v); err != nil {
				return err
			}
			var b hall.Beat
			if err := json.Unmarshal(v, &b); err != nil {
				return fmt.Errorf("%w: beat of %s: %w", hall.ErrCorrupt, kiosk, err)
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, s.wrap("beats", err)
}

// Silence implements hall.Fleet. Each insert holds only while the kiosk's last beat is
// still the one it was computed from, so a beat arriving meanwhile is never called silence.
func (s *Store) Silence(ctx context.Context, now time.Time, quiet time.Duration) ([]hall.Incident, error) {
	var opened []hall.Incident
	err := s.with(ctx, func(c *pgx.Conn) error {
		opened = nil
		rows, err := c.Query(ctx, `SELECT kiosk_id, received_at FROM `+s.t("hall_beats")+` WHERE received_at <= $1`, now.Add(-quiet))
		if err != nil {
			return err
		}
		type quietKiosk struct {
			kiosk string
			last  time.Time
		}
		var qs []quietKiosk
		for rows.Next() {
			var q quietKiosk
			if err := rows.Scan(&q.kiosk, &q.last); err != nil {
				rows.Close()
				return err
			}
			qs = append(qs, q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range qs {
			start := q.last.UTC().Add(quiet)
			inc := hall.Incident{ID: hall.IncidentID(q.kiosk, hall.AlarmSilent, start), KioskID: q.kiosk, Kind: hall.AlarmSilent,
				Start: start, Detail: "last heartbeat " + q.last.UTC().Format(time.RFC3339)}
			tag, err := c.Exec(ctx, `INSERT INTO `+s.t("hall_incidents")+` (id, kiosk_id, kind, detail, start_at)
				SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM `+s.t("hall_beats")+` WHERE kiosk_id = $2 AND received_at = $6)
				ON CONFLICT DO NOTHING`, inc.ID, inc.KioskID, inc.Kind, inc.Detail, inc.Start, q.last)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				opened = append(opened, inc)
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap("silence", err)
	}
	return opened, nil
}

// Incidents implements hall.Fleet.
func (s *Store) Incidents(ctx context.Context, from time.Time) ([]hall.Incident, error) {
	var out []hall.Incident
	err := s.with(ctx, func(c *pgx.Conn) error {
		var err error
		out, err = s.incidents(ctx, c, `WHERE end_at IS NULL OR end_at >= $1`, from)
		return err
	})
	return out, s.wrap("incidents", err)
}

// Acknowledge implements hall.Fleet.
func (s *Store) Acknowledge(ctx context.Context, a hall.Ack) (bool, error) {
	if a.AlarmID == "" {
		return false, fmt.Errorf("%w: acknowledgement without alarm id", hall.ErrInvalid)
	}
	first := false
	err := s.with(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, `INSERT INTO `+s.t("hall_acks")+` (alarm_id, by_name, at) VALUES ($1, $2, $3)
			ON CONFLICT (alarm_id) DO NOTHING`, a.AlarmID, a.By, a.At.UTC())
		first = err == nil && tag.RowsAffected() == 1
		return err
	})
	return first, s.wrap("acknowledge", err)
}

// Acks implements hall.Fleet.
func (s *Store) Acks(ctx context.Context) ([]hall.Ack, error) {
	var out []hall.Ack
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT alarm_id, by_name, at FROM `+s.t("hall_acks")+` ORDER BY at, alarm_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a hall.Ack
			if err := rows.Scan(&a.AlarmID, &a.By, &a.At); err != nil {
				return err
			}
			a.At = a.At.UTC()
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, s.wrap("acks", err)
}

// PutNote implements hall.Fleet.
func (s *Store) PutNote(ctx context.Context, n hall.Note) error {
	if n.Day == "" {
		return fmt.Errorf("%w: note without a day", hall.ErrInvalid)
	}
	err := s.with(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `INSERT INTO `+s.t("hall_notes")+` (day, at, by_name, body) VALUES ($1, $2, $3, $4)`,
			n.Day, n.At.UTC(), n.By, n.Text)
		return err
	})
	return s.wrap("put note", err)
}

// Notes implements hall.Fleet.
func (s *Store) Notes(ctx context.Context, day string) ([]hall.Note, error) {
	var out []hall.Note
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT day, at, by_name, body FROM `+s.t("hall_notes")+` WHERE day = $1 ORDER BY n`, day)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n hall.Note
			if err := rows.Scan(&n.Day, &n.At, &n.By, &n.Text); err != nil {
				return err
			}
			n.At = n.At.UTC()
			out = append(out, n)
		}
		return rows.Err()
	})
	return out, s.wrap("notes", err)
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
	exists := false
	err = s.with(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, `INSERT INTO `+s.t("hall_notices")+` (id, end_at, notice) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
			n.ID, n.End.UTC(), v)
		exists = err == nil && tag.RowsAffected() == 0
		return err
	})
	if exists {
		return fmt.Errorf("%w: notice %s exists", hall.ErrInvalid, n.ID)
	}
	return s.wrap("put notice", err)
}

// WithdrawNotice implements hall.Fleet.
func (s *Store) WithdrawNotice(ctx context.Context, id string, at time.Time) error {
	err := s.with(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			var v []byte
			if err := tx.QueryRow(ctx, `SELECT notice FROM `+s.t("hall_notices")+` WHERE id = $1 FOR UPDATE`, id).Scan(&v); err != nil {
				return err
			}
			nv, changed, err := hall.WithdrawStored(id, v, at)
			if err != nil || !changed {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE `+s.t("hall_notices")+` SET notice = $2 WHERE id = $1`, id, nv)
			return err
		})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: notice %s", hall.ErrNotFound, id)
	}
	return s.wrap("withdraw notice", err)
}

// Notices implements hall.Fleet.
func (s *Store) Notices(ctx context.Context, from time.Time) ([]hall.StoredNotice, error) {
	var out []hall.StoredNotice
	err := s.with(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT id, notice FROM `+s.t("hall_notices")+` WHERE end_at > $1`, from)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var v []byte
			if err := rows.Scan(&id, &v); err != nil {
				return err
			}
			var n hall.StoredNotice
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("%w: notice %s: %w", hall.ErrCorrupt, id, err)
			}
			if n.Withdrawn.IsZero() {
				out = append(out, n)
			}
		}
		return rows.Err()
	})
	slices.SortStableFunc(out, func(a, b hall.StoredNotice) int { return a.Start.Compare(b.Start) })
	return out, s.wrap("notices", err)
}

// Between implements hall.Fleet, through the index on created_at.
func (s *Store) Between(ctx context.Context, from, to time.Time) ([]hall.Entry, error) {
	return s.entries(ctx, "between", `WHERE created_at >= $1 AND created_at < $2`, from.UTC(), to.UTC())
}
