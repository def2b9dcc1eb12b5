// Package counter is what the front desk (package desk) offers every taxpayer service under
// kiosk/services: how a transaction is handed in (Submission), what became of it (Outcome),
// the refusals a screen explains (RefusedError, MessageKey), and the parts every receipt
// shares (Letterhead). It holds no behaviour of its own and imports neither the desk nor any
// service, so that each service depends on the desk only through the small interface it
// declares itself, and its tests run against an in-process fake counter.
//
// The order of acceptance, which Submit keeps for every service: the transaction is
// committed to the outbox (fsync'd) before anything says it succeeded; the sync loop then
// has the configured wait to get the hall's answer, so that the receipt can say "delivered"
// or "queued"; then the receipt is journalled and printed. A printer fault never undoes an
// accepted transaction: the Outcome carries the fault's message key.
package counter
