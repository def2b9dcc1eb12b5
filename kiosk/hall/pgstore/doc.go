// Package pgstore is the hall's Store on PostgreSQL (pgx, no cgo): every transaction once
// per (kiosk id, transaction id), enforced by the table's primary key, with the Taxpayer
// sealed under the hall's own key so a database dump holds no readable personal data.
//
// Tables (created if absent, in Opts.Schema):
//
//	hall_kiosks(kiosk_id PRIMARY KEY, last_cursor, max_seq)
//	hall_txns(kiosk_id, txn_id, cursor, seq, kind, created_at, received_at, txn, sealed, result,
//	          evidence, PRIMARY KEY (kiosk_id, txn_id), UNIQUE (kiosk_id, cursor))
//	          ledger_mark bigserial, with indexes on (kiosk_id, seq), (kind, kiosk_id, cursor)
//	          and ledger_mark (payments and returns)
//	hall_evidence(kiosk_id, hash, sealed, PRIMARY KEY (kiosk_id, hash)): a batch and its signature
//	hall_alarms(n bigserial PRIMARY KEY, at, kiosk_id, kind, detail)
//
// Columns and indexes added since the first version are added to existing tables on Open.
//
// Two halls may share the store. Each decides payments against a ledger it keeps in memory,
// so the Store is a hall.SharedStore: LockLedger is a session advisory lock named after the
// schema, and LedgerSince reads the payments and returns stored since a ledger mark.
//
// A batch is one database transaction. It first locks the kiosk's row, so batches of one
// kiosk (a resend racing the original, say) are applied one after the other and cursors
// stay gap-free and in storing order; batches of different kiosks run in parallel. Inserts
// use ON CONFLICT DO NOTHING and a conflict reads back the first result: a duplicate.
//
// The transaction JSON is kept as bytea, not jsonb, so its body comes back byte for byte.
// Connections come from a small pool of Opts.Conns pgx connections (pgxpool would need a
// module this build does not carry). Every call takes a context; at its deadline pgx
// cancels the query and the database rolls the transaction back, so a batch is stored
// entirely or not at all.
package pgstore
