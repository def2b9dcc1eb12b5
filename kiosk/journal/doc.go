// Package journal keeps the printer journal of the kiosk: every receipt job is recorded in
// its own bbolt file (DATA/journal.db) before a byte of it goes to the printer, and its fate
// is written when the printer is done with it. So no receipt is ever lost: a job that failed
// (paper out, cover open, printer gone) or whose fate a crash left unknown can be listed and
// printed again, by the kiosk or by a technician with `kioskctl printer reprint`.
//
// Life of a job (see State):
//
//	Record  -> queued   (before sending; Attempts counts each Record of the same id)
//	Finish  -> printed | failed (with the reason, the message key and whether it may be
//	           printed again)
//	Open    -> unknown  (a job still queued when the journal is opened again was being sent
//	           when the process died: part of it may be on paper; it is reprintable)
//
// What is stored is the document as given (its blocks), the job id, times, bytes written and
// attempts: nothing beyond the document. Receipts carry masked personal data only
// (mask.Name, mask.ID); the journal never adds any, and String and error strings never
// print the document.
//
// Storage follows etcd-io/bbolt: one bucket "jobs" keyed by job id, values JSON with the
// block kinds written as names so that a reordering of escpos.Kind cannot change an old
// entry's meaning. Every write is one bbolt transaction, durable on return (fsync). A file
// held by another process (the running kiosk) makes Open wait Opts.LockTimeout and then
// fail with ErrLocked. Nothing here waits on hardware or network, so no call takes a context.
//
// The paper counter lives in the same file, in a bucket "paper" beside "jobs" (key
// "counter", one JSON value): receipts printed since the technician last replaced the roll,
// and how many the last roll gave before its near-end sensor tripped (Paper, CountPrinted,
// PaperReplaced).
//
// Caveat: the journal grows with every receipt; the kiosk calls Prune (e.g. daily) to drop
// printed jobs older than its retention.
package journal
