package pgpool

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestDialFailureKeepsTheSlot: a database that cannot be reached is ErrDial, and the slot is
// handed back, so the pool still lends as many connections as it has once it is reachable.
func TestDialFailureKeepsTheSlot(t *testing.T) {
	p, err := New("postgres://nobody@127.0.0.1:1/none?connect_timeout=1", 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a lost slot would block the second call until the context ends
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := p.With(ctx, func(*pgx.Conn) error { return nil })
		cancel()
		if !errors.Is(err, ErrDial) {
			t.Fatalf("unreachable database: %v", err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestValidSchema(t *testing.T) {
	for name, ok := range map[string]bool{"hall": true, "hall_2": true, "_x": true, "": false, "Hall": false, "a;drop": false, "1a": false} {
		if ValidSchema(name) != ok {
			t.Errorf("ValidSchema(%q) = %t", name, !ok)
		}
	}
}
