// Package scan is what the kiosk does with a scanned code: a VAT invoice's QR code shows its
// fields and can be checked with the hall (queued as a transaction while the hall cannot be
// reached); a receipt this kiosk printed shows where its transaction stands, without any
// personal data, since anyone can pick a receipt up; anything else is said to be unknown.
//
// Routing: the scanner's callback (Handle) turns each code into a View and posts it to the
// screens through the front desk's events (Scanned), touching the session on the way.
package scan
