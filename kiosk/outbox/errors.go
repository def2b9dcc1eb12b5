package outbox

import "errors"

var (
	// ErrStorage: a bbolt commit failed (disk full, I/O error). Nothing was changed.
	ErrStorage = errors.New("outbox: storage failure")
	// ErrCorrupt: the file is not a readable outbox. It was left untouched.
	ErrCorrupt = errors.New("outbox: database file corrupt")
	// ErrLocked: another process holds the outbox file.
	ErrLocked = errors.New("outbox: database file in use by another process")
	// ErrNotFound: no record with that transaction id.
	ErrNotFound = errors.New("outbox: no such transaction")
	// ErrExists: a transaction with that id is already in the outbox.
	ErrExists = errors.New("outbox: transaction id already stored")
	// ErrInvalid: the transaction or options are not acceptable.
	ErrInvalid = errors.New("outbox: invalid")
	// ErrOutOfService: a write failed earlier and the outbox takes no new transactions until
	// a probe write succeeds (see Outbox.Healthy). Returned together with ErrStorage.
	ErrOutOfService = errors.New("outbox: out of service for writes")
	// ErrReadOnly: the outbox was opened with Opts.ReadOnly.
	ErrReadOnly = errors.New("outbox: opened read-only")
	// ErrClosed: the outbox was closed.
	ErrClosed = errors.New("outbox: closed")
)
