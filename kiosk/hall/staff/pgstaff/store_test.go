package pgstaff

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/stafftest"
)

// dsn is HALL_TEST_POSTGRES; without it the PostgreSQL runs are skipped.
func dsn(t *testing.T) string {
	d := os.Getenv("HALL_TEST_POSTGRES")
	if d == "" {
		t.Skip("HALL_TEST_POSTGRES not set: PostgreSQL staff store not tested")
	}
	return d
}

var schemaSeq atomic.Int64

// Open gives each test its own schema, dropped at cleanup.
func open(t *testing.T) *Store {
	d := dsn(t)
	schema := fmt.Sprintf("stafftest_%d_%d", os.Getpid(), schemaSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, d, &Opts{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, d)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestStoreSuite(t *testing.T) {
	dsn(t)
	stafftest.Run(t, func(t *testing.T) staff.Store { return open(t) })
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		dsn  string
		opts *Opts
	}{
		{"postgres://x@127.0.0.1/db", &Opts{Schema: "bad; DROP TABLE x"}},
		{"::not a dsn::", nil},
	} {
		if _, err := Open(ctx, c.dsn, c.opts); err == nil {
			t.Errorf("Open(%q, %+v) succeeded", c.dsn, c.opts)
		}
	}
}

// TestTwoHallsShareStaff: two hall processes on one database (two Stores on one schema)
// see one staff: an account made on one logs in on the other, a call accepted on one
// cannot be accepted on the other, and their counters never call the same ticket.
func TestTwoHallsShareStaff(t *testing.T) {
	a := open(t)
	ctx := context.Background()
	b, err := Open(ctx, dsn(t), &Opts{Schema: a.schema})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.AddAccount(ctx, staff.Account{Name: "王芳", Role: staff.RoleSeat, Hash: stafftest.CheapHash}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Account(ctx, "王芳"); err != nil || got.Role != staff.RoleSeat {
		t.Fatalf("account on the other hall: %+v %v", got, err)
	}
	now := time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)
	if _, err := a.AddHelpCall(ctx, staff.HelpCall{ID: "K1/h", KioskID: "K1", CalledAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := staff.Accept(ctx, b, "K1/h", "王芳", now); err != nil {
		t.Fatal(err)
	}
	if _, err := staff.Accept(ctx, a, "K1/h", "李强", now); !errors.Is(err, staff.ErrState) {
		t.Fatalf("accepted twice across halls: %v", err)
	}
	day := staff.Day(now)
	for range 4 {
		if _, _, err := a.TakeTicket(ctx, staff.Ticket{Day: day, Business: "filing"}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for i := range 4 {
		s := staff.Store(a)
		if i%2 == 1 {
			s = b
		}
		tk, err := s.CallNext(ctx, day, "filing", i+1, "c", now)
		if err != nil || seen[tk.Number] {
			t.Fatalf("call %d: %+v %v", i, tk, err)
		}
		seen[tk.Number] = true
	}
}
