// Package invoice is the application to collect paper invoices (领用发票) at the kiosk: an
// enterprise the taxpayer acts for, an invoice type it holds an approval for, and a quantity
// within the approval's limit per collection. The application is a transaction like any
// other (accepted offline too, when the policy allows; the hall's answer comes later); the
// invoices themselves are handed over at the counter once approved, as the receipt says.
package invoice
