// Package outbox is the kiosk's durable queue of accepted transactions: "front desk accepts,
// back office processes". A transaction is committed to a local bbolt file (fsync'd on every
// commit, NoSync stays false) before any screen or receipt says it succeeded; the sync loop
// (package hallsync) then carries it to the hall at once, or when the network returns.
//
// Layout of the bbolt file (one file per kiosk):
//
//	meta       kiosk_id, next_seq, last_sync, last_error, results_cursor, key_id
//	records    seq (8 bytes big-endian) -> record (JSON; the Taxpayer part sealed)
//	ids        transaction id -> seq
//	state/X    seq -> "" for every record in state X (queued, sending, acknowledged, ...)
//	quarantine seq -> why the record was set aside (JSON), for records that cannot be read
//
// Sequence numbers are assigned inside the same commit that stores the record, so they are
// per-kiosk, monotonic and gap-free across restarts and crashes. Personal data (txn.Taxpayer)
// is sealed with seal.Key, bound to "kioskID/txnID", and never reaches the file in plaintext.
//
// Delivery is at-least-once from here; the hall deduplicates on (kiosk id, transaction id),
// which together make exactly-once storage. Records a crash left in "sending" go back to
// "queued" when the file is opened again.
//
// Errors: a failed commit returns ErrStorage and the caller must not report success to the
// taxpayer; nothing of the failed commit remains (bbolt rolls it back, and the sequence number
// is not used up). The outbox then goes out of service for writes: Healthy returns
// ErrOutOfService (with ErrStorage and the cause), Enqueue refuses at once, and Stats says so
// in OutOfService, so the desk can turn taxpayers away before they start a service instead of
// at the end. Records stored before stay readable and keep syncing. At most every
// Opts.RecheckEvery, Healthy tries a 64 KiB probe write; when it succeeds (space was freed)
// the outbox is back in service. Healthy also refuses while the file system has less than
// Opts.MinFree left, and while in service proves with a probe write every Opts.ProbeEvery
// that the disk still takes writes, so a full or dead disk is found before a taxpayer
// starts, not at the commit. A file bbolt cannot read returns ErrCorrupt from Open and is
// left untouched for a technician. A second process opening the same file fails after
// Opts.LockTimeout with ErrLocked instead of hanging.
//
// Opts.ReadOnly opens the file of a stopped kiosk for kioskctl: shared lock, no writes at all
// (not even the crash recovery above); without a key, records come back with Taxpayer nil.
//
// One record that cannot be read (its JSON torn, its sealed part not opening with the key)
// must not stop every record behind it: Next sets it aside in the quarantine (StateQuarantined,
// kept as it was, counted in Stats.Quarantined, listed with its reason, told to
// Opts.Quarantined) and goes on. The key itself is never replaced behind the records' back:
// LoadKey makes a new key only for an outbox that holds nothing, and is ErrKeyLost otherwise;
// meta keeps the key's fingerprint (key_id), and Open refuses another key with ErrWrongKey
// rather than quarantine every record.
//
// Offline limits (package policy) need what waits per kind of transaction: PendingByKind sums
// count, amount (from Opts.AmountOf, kept with each record) and oldest age. Personal data is
// dropped a configurable time after the hall acknowledged (Purge, RunPurge).
//
// Only Enqueue takes a context: it is the call a screen waits on. It checks the context
// before committing; once bbolt has begun a commit it finishes it (an fsync cannot be
// abandoned halfway), so the deadline bounds the wait, not the commit. Every other call is
// a short local disk operation.
package outbox
