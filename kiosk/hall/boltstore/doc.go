// Package boltstore is the hall's Store on a bbolt file: every transaction once per
// (kiosk id, transaction id), for ever, with the Taxpayer sealed under the hall's own key.
//
// Layout: bucket "kiosks" holds one bucket per kiosk id with "records" (cursor, 8 bytes
// big-endian -> record JSON), "ids" (transaction id -> cursor, the dedup index), "seqs"
// (seq -> the first transaction id stored with it), "evidence" (SHA-256 of a batch -> the
// batch and its signature, sealed; records name it by the hash) and the key "maxseq";
// buckets "payments" and "returns" (kiosk id, 0, cursor) index the tax payments and VAT
// returns the ledger is rebuilt from (each built from the records when a file written
// before it is opened); "alarms" holds
// the alarms in order; bucket "meta" holds the total count. Records are appended in cursor order, so a batch writes a
// few full pages rather than scattering over the tree by random transaction ids; only the
// small index takes random inserts. A batch costs at most one bbolt commit (one fsync),
// which is what makes batching pay off; batches that kiosks post at the same moment share
// one commit (group commit: the requests arriving while a commit is written form the next
// one, with no added wait for a lone request), so a thousand kiosks coming back online
// together cost a few fsyncs, not a thousand. Every PutBatch returns after the commit that
// holds it; if one batch of a group fails, the others are committed again each alone.
//
// Caveats: bbolt allows one writer at a time and one process per file; Open fails after
// Opts.LockTimeout (default 1 s) with hall.ErrStorage when another process holds it, so
// audits (hall count/list) run against a stopped server or go through its HTTP API. Calls
// check their context before starting a commit; a commit once begun completes.
package boltstore
