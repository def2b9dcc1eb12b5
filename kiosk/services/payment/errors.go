package payment

import "taxkiosk/kiosk/services/counter"

// Refusals: the request does not fit what the hall said of the taxpayer's enterprises, or
// would pay an item twice, so nothing was accepted. Each carries the key the screen shows.
var (
	// ErrEnterprise: the enterprise is not one the taxpayer acts for.
	ErrEnterprise = &counter.RefusedError{ReasonKey: "pay.unknown_enterprise"}
	// ErrNoAgreement: the enterprise has no tripartite debit agreement to pay through.
	ErrNoAgreement = &counter.RefusedError{ReasonKey: "pay.no_agreement"}
	// ErrNoItems: a payment must name at least one outstanding tax, each once.
	ErrNoItems = &counter.RefusedError{ReasonKey: "pay.no_items"}
	// ErrNotOutstanding: an item is not among the enterprise's outstanding taxes.
	ErrNotOutstanding = &counter.RefusedError{ReasonKey: "pay.not_outstanding"}
	// ErrPending: an item is already in a payment accepted here that the hall has not
	// answered; paying it again could debit the account twice.
	ErrPending = &counter.RefusedError{ReasonKey: "pay.in_progress"}
	// ErrAlreadyPaid: an item is in a payment the hall approved.
	ErrAlreadyPaid = &counter.RefusedError{ReasonKey: "pay.already_paid"}
)
