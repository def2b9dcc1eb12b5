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
// Calls that wait on hardware take a context; when it ends, the call returns its error and
// the transaction, if already committed, stays committed.
package desk
