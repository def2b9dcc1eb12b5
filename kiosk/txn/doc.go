// Package txn defines the transaction: what a taxpayer completed at the kiosk, as it is kept
// in the outbox and sent to the hall ("front desk accepts, back office processes").
//
// A transaction separates personal data (Taxpayer: name, ID number, address) from the
// service's own fields (Body), so that storage can seal the former and logs can show the
// latter. Amounts in bodies are strings of exact decimals in yuan ("0.00"), never floats.
// Pending is what waits for the hall of one kind, as the outbox counts it and the offline
// policy judges it: it lives here so that the policy (and configuration validation) need
// not link the outbox. Masking for display is drivers/mask.
package txn
