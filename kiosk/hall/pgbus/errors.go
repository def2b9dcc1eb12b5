package pgbus

import "errors"

var (
	// ErrTooLarge: a payload above what a PostgreSQL notification carries.
	ErrTooLarge = errors.New("pgbus: payload too large for a notification")
	// ErrClosed: the Bus was closed.
	ErrClosed = errors.New("pgbus: closed")
	// ErrConfig: the DSN or schema cannot be used.
	ErrConfig = errors.New("pgbus: configuration")
)
