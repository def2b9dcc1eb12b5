// Package desk is the kiosk's front desk: it watches the ID-card reader, keeps the taxpayer's
// session, accepts transactions and hands the taxpayer a receipt. It knows devices, storage
// and the hall only through the small interfaces in desk.go, and the screens know it only
// through its methods and its Events channel.
//
// The order of acceptance is the product's promise: a transaction is committed to the
// outbox (fsync'd) before anything says it succeeded; then the desk gives the sync loop a
// short, configured time to deliver it, so that the receipt can say "delivered" or "queued";
// then the receipt prints. A printer fault never undoes an accepted transaction: the outcome
// carries the fault's message key, and the screen tells the taxpayer how to get the receipt.
//
// Supervision (supervise.go) runs between jobs: a service whose device cannot serve waits with
// the reason on screen; the reader or scanner counts as down after two supervisions in a row
// found it so; when nothing can be printed for longer than Opts.OutOfServiceAfter the kiosk
// takes itself out of service (no new sessions, the tower light on, an audit record for the
// hall) and comes back by itself when the printer prints again. A session in progress is
// never cut off. The tower light is derived from every reason at once (cabinet.go), so one
// reason ending never puts out a light another still needs.
//
// Technicians enter maintenance with a PIN, with an ID card on the allow list while the PIN
// pad shows (techcard.go), or from kioskctl; settings a technician changes apply through
// Reconfigure (live.go).
//
// Calls that wait on hardware take a context; when it ends, the call returns its error and
// the transaction, if already committed, stays committed.
package desk
