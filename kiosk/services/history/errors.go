package history

import "errors"

var (
	// ErrNotYours is returned for a reprint of a receipt that is not the current taxpayer's,
	// or that printed in full.
	ErrNotYours = errors.New("history: receipt of another taxpayer")
	// ErrNotPrinted is wrapped by a PrintError: the receipt was sent again and did not print.
	ErrNotPrinted = errors.New("history: receipt not printed again")
)

// PrintError says a reprint did not print; Key is the printer's message key
// (printer.paper_out, printer.cover_open...), the words the screen shows.
type PrintError struct{ Key string }

func (e *PrintError) Error() string { return ErrNotPrinted.Error() + ": " + e.Key }

func (e *PrintError) Unwrap() error { return ErrNotPrinted }
