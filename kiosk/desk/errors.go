package desk

import "errors"

var (
	// ErrNoSession is returned for a service call when no taxpayer has identified.
	ErrNoSession = errors.New("desk: no taxpayer session")
	// ErrNotAccepted wraps a storage failure: the transaction was not committed, so nothing
	// may report success.
	ErrNotAccepted = errors.New("desk: transaction not accepted")
)

// RefusedError: the offline policy or the storage's state does not let this transaction be
// accepted now; ReasonKey says why and what to do.
type RefusedError struct{ ReasonKey string }

func (e *RefusedError) Error() string { return "desk: not accepted now: " + e.ReasonKey }

// MessageKey names the translation of a desk error for the taxpayer's screen.
func MessageKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.As(err, new(*RefusedError)):
		var r *RefusedError
		errors.As(err, &r)
		return r.ReasonKey
	case errors.Is(err, ErrNoSession):
		return "error.no_session"
	case errors.Is(err, ErrNotAccepted):
		return "error.store_failed"
	}
	return "error.unexpected"
}

// Refusals of invoice collection and tax payment: the request does not fit what the hall said
// of the taxpayer's enterprises, so nothing was accepted. Each carries the key the screen
// shows; the screens normally prevent them, so they guard against a stale or forged choice.
var (
	// ErrInvoiceEnterprise: the enterprise is not one the taxpayer acts for.
	ErrInvoiceEnterprise = &RefusedError{ReasonKey: "invoice.unknown_enterprise"}
	// ErrTypeNotApproved: the enterprise holds no approval for this invoice type.
	ErrTypeNotApproved = &RefusedError{ReasonKey: "invoice.type_not_approved"}
	// ErrQuantity: the quantity is below one or above the approval's limit per collection.
	ErrQuantity = &RefusedError{ReasonKey: "invoice.bad_quantity"}
	// ErrPayEnterprise: the enterprise is not one the taxpayer acts for.
	ErrPayEnterprise = &RefusedError{ReasonKey: "pay.unknown_enterprise"}
	// ErrNoAgreement: the enterprise has no tripartite debit agreement to pay through.
	ErrNoAgreement = &RefusedError{ReasonKey: "pay.no_agreement"}
	// ErrNoItems: a payment must name at least one outstanding tax, each once.
	ErrNoItems = &RefusedError{ReasonKey: "pay.no_items"}
	// ErrNotOutstanding: an item is not among the enterprise's outstanding taxes.
	ErrNotOutstanding = &RefusedError{ReasonKey: "pay.not_outstanding"}
	// ErrPaymentPending: an item is already in a payment accepted here that the hall has
	// not answered; paying it again could debit the account twice.
	ErrPaymentPending = &RefusedError{ReasonKey: "pay.in_progress"}
	// ErrAlreadyPaid: an item is in a payment the hall approved.
	ErrAlreadyPaid = &RefusedError{ReasonKey: "pay.already_paid"}
)
