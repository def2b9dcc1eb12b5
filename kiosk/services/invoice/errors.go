package invoice

import "taxkiosk/kiosk/services/counter"

// Refusals: the request does not fit what the hall said of the taxpayer's enterprises, so
// nothing was accepted. Each carries the key the screen shows; the screens normally prevent
// them, so they guard against a stale or forged choice.
var (
	// ErrEnterprise: the enterprise is not one the taxpayer acts for.
	ErrEnterprise = &counter.RefusedError{ReasonKey: "invoice.unknown_enterprise"}
	// ErrTypeNotApproved: the enterprise holds no approval for this invoice type.
	ErrTypeNotApproved = &counter.RefusedError{ReasonKey: "invoice.type_not_approved"}
	// ErrQuantity: the quantity is below one or above the approval's limit per collection.
	ErrQuantity = &counter.RefusedError{ReasonKey: "invoice.bad_quantity"}
)
