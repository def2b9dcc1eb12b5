package latepay

import "errors"

var (
	// ErrNotOutstanding: a payment names an item that is not outstanding, or one twice.
	ErrNotOutstanding = errors.New("latepay: item not outstanding")
	// ErrBadDue: an item's due date is not a "2006-01-02" date.
	ErrBadDue = errors.New("latepay: unreadable due date")
)
