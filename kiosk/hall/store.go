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
	// Evidence is the signed batch the transaction came in. PutBatch keeps it (once per
	// batch, sealed: it holds personal data); List leaves it nil, Store.Evidence reads it.
	Evidence *Evidence `json:"-"`
}

// Evidence is the proof that a kiosk sent a transaction: the batch's bytes exactly as
// received and the kiosk's signature over them (hallapi.HeaderSignature; "" when the hall
// does not require kiosks). Checking it needs the kiosk's certificate from the hall's CA.
type Evidence struct {
	Body      []byte
	Signature string
}

// Outcome is what PutBatch did with one entry.
type Outcome struct {
	Duplicate bool       // stored before (by an earlier batch or earlier in this one)
	Result    txn.Result // the result stored with the transaction, the first one for a duplicate
	Cursor    uint64
	// For an entry stored now with a Seq above 0: SeqBefore is the highest seq of the kiosk
	// stored before it, and SeqHeldBy the id of another transaction of the kiosk stored
	// with the same seq ("" if none). The Server turns them into alarms.
	SeqBefore uint64
	SeqHeldBy string
}

// Alarm is something unusual the hall's staff should look at: a gap or a repeat in a
// kiosk's sequence numbers, a kiosk asking about many people, lookups with nothing after
// them. Detail never holds personal data.
type Alarm struct {
	At      time.Time `json:"at"`
	KioskID string    `json:"kiosk_id"`
	Kind    string    `json:"kind"` // one of the Alarm... constants
	Detail  string    `json:"detail"`
}

// Alarm kinds.
const (
	AlarmSeqGap      = "seq_gap"      // a kiosk's seq jumped: transactions between are missing
	AlarmSeqRepeat   = "seq_repeat"   // a new transaction reused a seq another one holds
	AlarmSeqMissing  = "seq_missing"  // a transaction without a seq (a kiosk's outbox always gives one)
	AlarmManyPeople  = "many_people"  // one kiosk looked up many distinct ID numbers within a window
	AlarmIdleLookups = "idle_lookups" // one kiosk's lookups were followed by no transaction of that person
	AlarmRateLimited = "rate_limited" // lookups refused for going above a rate
	AlarmNoSession   = "no_session"   // a lookup or payment without the card session it belongs to
	AlarmCounterCall = "counter_call" // a kiosk certificate tried a counter's operation
)

// SharedStore is a Store that other hall processes write at the same time (two halls on one
// PostgreSQL). Each hall keeps its ledger of payments and returns in memory; over a shared
// store it decides every batch with a payment, a certificate or a return under the store's
// ledger lock, which all the processes take, and first reads what the others stored since
// it last looked. Without it two kiosks at two halls could both pay the same tax item.
type SharedStore interface {
	Store
	// LockLedger waits for the ledger lock every hall process on the store takes, and holds
	// it until unlock is called: after the batch decided under it is stored.
	LockLedger(ctx context.Context) (unlock func(), err error)
	// LedgerSince returns the stored tax_payment and vat_return transactions with a ledger
	// mark above since, in mark order, without opening their Taxpayer, and the highest mark
	// returned (since when none). Those transactions are stored under the ledger lock, so
	// their marks grow in the order they were committed.
	LedgerSince(ctx context.Context, since int64) ([]Entry, int64, error)
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
	// Payments returns every stored tax_payment transaction, by kiosk id then cursor,
	// without opening its Taxpayer (nil): what the ledger is rebuilt from, read through an
	// index so that it does not cost a pass over every transaction.
	Payments(ctx context.Context) ([]Entry, error)
	// Returns is Payments for the stored vat_return transactions: what the ledger's taxes
	// owed from returns filed at the hall's kiosks are rebuilt from.
	Returns(ctx context.Context) ([]Entry, error)
	// Evidence returns the signed batch a stored transaction came in; ErrNotFound when the
	// transaction is not stored or was stored without evidence.
	Evidence(ctx context.Context, kioskID, txnID string) (Evidence, error)
	// PutAlarms stores alarms durably; Alarms returns them all, oldest first.
	PutAlarms(ctx context.Context, alarms []Alarm) error
	Alarms(ctx context.Context) ([]Alarm, error)
	Close() error
}
