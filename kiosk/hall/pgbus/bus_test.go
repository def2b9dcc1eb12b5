package pgbus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func dsn(t *testing.T) string {
	d := os.Getenv("HALL_TEST_POSTGRES")
	if d == "" {
		t.Skip("HALL_TEST_POSTGRES not set: the PostgreSQL bus not tested")
	}
	return d
}

func open(t *testing.T, schema string) *Bus {
	t.Helper()
	b, err := Open(dsn(t), schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	select {
	case <-b.Ready():
	case <-time.After(20 * time.Second):
		t.Fatal("bus never listened")
	}
	return b
}

func recv(t *testing.T, ch <-chan Message, within time.Duration) (Message, bool) {
	t.Helper()
	select {
	case m, ok := <-ch:
		return m, ok
	case <-time.After(within):
		return Message{}, false
	}
}

// TestTwoProcessesSeeEachOther: two Buses on one database (two hall processes) see each
// other's notes, each its own exactly once, and a Bus on another schema sees none.
func TestTwoProcessesSeeEachOther(t *testing.T) {
	schema := fmt.Sprintf("busa_%d", os.Getpid())
	a, b, other := open(t, schema), open(t, schema), open(t, schema+"x")
	aMsgs, aStop := a.Subscribe("help")
	defer aStop()
	bMsgs, bStop := b.Subscribe("help", "queue")
	defer bStop()
	oMsgs, oStop := other.Subscribe("help")
	defer oStop()
	if err := a.Publish("help", []byte("K1/txn-1")); err != nil {
		t.Fatal(err)
	}
	if m, ok := recv(t, bMsgs, 10*time.Second); !ok || m.Topic != "help" || string(m.Payload) != "K1/txn-1" {
		t.Fatalf("the other hall got %+v %v", m, ok)
	}
	if m, ok := recv(t, aMsgs, time.Second); !ok || string(m.Payload) != "K1/txn-1" {
		t.Fatalf("the publishing hall's own page got %+v %v", m, ok)
	}
	b.Publish("queue", []byte("A023"))
	if m, ok := recv(t, bMsgs, 10*time.Second); !ok || m.Topic != "queue" {
		t.Fatalf("queue note: %+v %v", m, ok)
	}
	// Nothing more: a's own note came back from PostgreSQL and was skipped; a does not
	// follow "queue"; the other schema heard nothing.
	if m, ok := recv(t, aMsgs, 500*time.Millisecond); ok {
		t.Fatalf("a extra message %+v", m)
	}
	if m, ok := recv(t, oMsgs, 100*time.Millisecond); ok {
		t.Fatalf("another schema's bus got %+v", m)
	}
	if err := a.Publish("help", []byte(strings.Repeat("x", 8000))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("large payload: %v", err)
	}
}

// TestListenerComesBack: when the database drops the listening connection, the Bus dials
// again, tells its subscribers to re-read (an empty note per topic), and hears the other
// process again.
func TestListenerComesBack(t *testing.T) {
	schema := fmt.Sprintf("busb_%d", os.Getpid())
	a, b := open(t, schema), open(t, schema)
	msgs, stop := b.Subscribe("help")
	defer stop()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "hall_bus_`+schema+`"%'`); err != nil {
		t.Fatal(err)
	}
	if m, ok := recv(t, msgs, 20*time.Second); !ok || m.Topic != "help" || len(m.Payload) != 0 {
		t.Fatalf("after reconnecting: %+v %v, want an empty help note", m, ok)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		a.Publish("help", []byte("again"))
		if m, ok := recv(t, msgs, 500*time.Millisecond); ok && string(m.Payload) == "again" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b never heard a again")
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	if _, err := Open("postgres://x@127.0.0.1/db", "Bad-Schema", nil); !errors.Is(err, ErrConfig) {
		t.Errorf("bad schema: %v", err)
	}
	if _, err := Open("::nope::", "hall", nil); !errors.Is(err, ErrConfig) {
		t.Errorf("bad dsn: %v", err)
	}
}
