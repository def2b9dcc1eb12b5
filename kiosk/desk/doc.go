// Package desk is the kiosk's front desk, the counter every taxpayer service works at: it
// watches the ID-card reader (run.go), keeps the taxpayer's session with its lift grace and
// idle timeout, looks up whom the taxpayer acts for (hall.go), supervises the devices and
// drives the tower light (supervise.go, cabinet.go), gates maintenance behind a PIN or a
// technician's card (maintenance.go, techcard.go), and accepts transactions through one
// Submit (submit.go). It knows devices, storage and the hall only through the small
// interfaces in desk.go, and the screens know it only through its methods and its Events
// channel. The services themselves (a VAT return, a payment...) live under kiosk/services,
// each in its own package, and reach the desk only through the Counter interface each
// declares.
//
// The order of acceptance is the product's promise, kept by Submit for every service: the
// service's own check and the offline policy; then the transaction is committed to the
// outbox (fsync'd), before anything says it succeeded; then, for a receipt, the desk waits
// for the sync loop's signal that the hall has answered this transaction (Uplink.Settled),
// at most the configured SyncWait, so that the receipt can say "delivered" or "queued"; then
// the receipt is journalled and printed. A printer fault never undoes an accepted
// transaction: the outcome carries the fault's message key, and the screen tells the
// taxpayer how to get the receipt.
//
// Supervision runs between jobs: a service whose device cannot serve waits with the reason
// on screen; the reader or scanner counts as down after two supervisions in a row found it
// so; when nothing can be printed for longer than Opts.OutOfServiceAfter the kiosk takes
// itself out of service (no new sessions, the tower light on, an audit record for the hall)
// and comes back by itself when the printer prints again: a printer that cannot print is
// asked every second, so loaded paper reopens the services within about a second. A session in progress is never
// cut off. The tower light is derived from every reason at once (cabinet.go), so one reason
// ending never puts out a light another still needs.
//
// Time: everything the desk decides by time (polling, supervision, idle timeout, lift grace,
// the help call's light, the receipt's wait, the dates on transactions) reads the injected
// clock.Clock, so tests step it with a fake clock instead of sleeping. Calls that wait on
// hardware take a context with a real deadline; when it ends, the call returns its error and
// the transaction, if already committed, stays committed.
package desk
