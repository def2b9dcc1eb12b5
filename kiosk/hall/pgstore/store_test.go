package pgstore

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/seal"
)

// dsn is HALL_TEST_POSTGRES; without it the PostgreSQL runs are skipped.
func dsn(t *testing.T) string {
	d := os.Getenv("HALL_TEST_POSTGRES")
	if d == "" {
		t.Skip("HALL_TEST_POSTGRES not set (e.g. postgres://hall@127.0.0.1:5432/hall_test): PostgreSQL store not tested")
	}
	return d
}

var schemaSeq atomic.Int64

// open gives each test its own schema, dropped at cleanup after checking it holds no
// personal data in plaintext.
func open(t *testing.T) *Store {
	d := dsn(t)
	schema := fmt.Sprintf("halltest_%d_%d", os.Getpid(), schemaSeq.Add(1))
	key, _ := seal.NewKey(bytes.Repeat([]byte{0x44}, seal.KeySize))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, d, &Opts{Key: key, Schema: schema})
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
		var dump string
		c.QueryRow(ctx, `SELECT coalesce(string_agg(encode(txn, 'escape') || encode(coalesce(sealed, ''::bytea), 'escape'), ''), '') FROM `+schema+`.hall_txns`).Scan(&dump)
		var evDump string
		c.QueryRow(ctx, `SELECT coalesce(string_agg(encode(sealed, 'escape'), ''), '') FROM `+schema+`.hall_evidence`).Scan(&evDump)
		dump += evDump
		for _, secret := range []string{storetest.Persona.Name, storetest.Persona.IDNumber} {
			if strings.Contains(dump, secret) {
				t.Errorf("table holds %q in plaintext", secret)
			}
		}
		if _, err := c.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestStoreSuite(t *testing.T) {
	dsn(t)
	storetest.Run(t, func(t *testing.T) hall.Store { return open(t) })
}

func TestOpenRefuses(t *testing.T) {
	key, _ := seal.NewKey(bytes.Repeat([]byte{0x44}, seal.KeySize))
	ctx := context.Background()
	for _, c := range []struct {
		dsn  string
		opts *Opts
	}{
		{"postgres://x@127.0.0.1/db", nil},
		{"postgres://x@127.0.0.1/db", &Opts{Key: key, Schema: "bad; DROP TABLE x"}},
		{"::not a dsn::", &Opts{Key: key}},
	} {
		if _, err := Open(ctx, c.dsn, c.opts); err == nil {
			t.Errorf("Open(%q, %+v) succeeded", c.dsn, c.opts)
		}
	}
}
