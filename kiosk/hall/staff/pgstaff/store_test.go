package pgstaff

import (
	"context"
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
