package hall

import (
	"context"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// Entry is one stored transaction with the hall's result.
type Entry struct {
	Txn        txn.Txn    `json:"txn"` // Taxpayer opened
	Result     txn.Result `json:"result"`
	ReceivedAt time.Time  `json:"received_at"`
	Cursor     uint64     `json:"cursor"` // per-kiosk order of storing, 1, 2, 3...
}

// Outcome is what PutBatch did with one entry.
type Outcome struct {
	Duplicate bool       // stored before (by an earlier batch or earlier in this one)
	Result    txn.Result // the result stored with the transaction, the first one for a duplicate
	Cursor    uint64
}

// Store keeps transactions exactly once per (kiosk id, transaction id).
type Store interface {
	// PutBatch stores the entries of one kiosk in one durable commit, assigning cursors in
	// order, and returns one Outcome per entry. An entry whose id is already stored is not
	// written again. On error nothing was stored.
	PutBatch(ctx context.Context, kioskID string, entries []Entry) ([]Outcome, error)
	// Results returns up to limit results of kioskID with a cursor above since, in order.
	Results(ctx context.Context, kioskID string, since uint64, limit int) ([]hallapi.ResultFor, error)
	// Count is the number of stored transactions of all kiosks.
	Count(ctx context.Context) (int, error)
	// List returns every stored transaction, by kiosk id then cursor.
	List(ctx context.Context) ([]Entry, error)
	Close() error
}
