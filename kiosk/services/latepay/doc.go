// Package latepay computes the late-payment surcharge (滞纳金) on overdue taxes, the one
// computation the kiosk (to show and collect it) and the hall (to check a payment's total)
// must agree on to the fen.
//
// Rule: Tax Collection Administration Law (税收征收管理法) art. 32: a tax not paid by its
// due date bears a surcharge of 0.05 % (5 basis points) of the unpaid tax per day, counted
// from the day after the due date to the day of payment, both included. Days are calendar
// days in China Standard Time (UTC+8), the time zone due dates are set in. The surcharge of
// an item is rounded once, half away from zero to the fen (money.Amount.MulRate); the
// surcharge of several items is the sum of each item's rounded surcharge, as each tax is
// its own debt.
//
// Caveat: the day of payment is the day the kiosk accepted the payment (the transaction's
// creation time), also when the hall receives it later: the taxpayer paid then.
package latepay
