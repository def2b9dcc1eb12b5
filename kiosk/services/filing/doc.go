// Package filing is the VAT return service at the kiosk: the draft for the current period,
// the form computed under the rules for its period, the submission through the front desk's
// counter, and the receipt that shows the confirmed form line by line. The form and its
// rules (package vatreturn) are shared with the hall, which checks every return by them;
// this package is the kiosk's side only, so the hall links no receipt layout.
//
// A return with tax payable, once the hall has it, is followed by a fresh look at whom the
// taxpayer acts for, so that the payment service can offer the tax it now owes in the same
// visit (Outcome.Owed).
package filing
