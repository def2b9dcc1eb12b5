// Package mask hides personal data for display, logs and receipts: a name keeps its first
// character, an ID number its first and last four. It is the lowest floor of the tree, with
// no imports beyond the standard library, so that the drivers (the card reader's log line)
// and the kiosk (receipts, the log ring, the maintenance menu) mask the same way without the
// drivers importing the kiosk.
//
// Masking is for showing, not for storing: sealed storage (kiosk/seal) keeps the clear value.
package mask
