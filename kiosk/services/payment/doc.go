// Package payment pays an enterprise's outstanding taxes at the kiosk through its tripartite
// debit agreement (三方协议): the items the hall lists, priced as paid now with the
// late-payment surcharges of the overdue ones (package latepay, the rule the hall checks
// by), submitted through the front desk's counter, and a receipt that instructs the debit
// without calling the taxes paid (the bank's answer reaches the taxpayer later).
//
// Paying twice is what this package guards against. The transaction's id is the key the
// hall's ledger pays by, so a retry never pays twice; a new payment naming an item already
// in a payment accepted here that the hall has not refused is itself refused, checked under
// the desk's submission lock so that two taps cannot both pass. The check reads the outbox,
// not the session, so it also stops another person acting for the same enterprise.
package payment
