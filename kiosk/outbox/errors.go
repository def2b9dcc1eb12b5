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
	// ErrDiskFull: the file system holding the outbox has less free space than Opts.MinFree.
	// Returned together with ErrOutOfService.
	ErrDiskFull = errors.New("outbox: disk nearly full")
	// ErrReadOnly: the outbox was opened with Opts.ReadOnly.
	ErrReadOnly = errors.New("outbox: opened read-only")
	// ErrKeyLost: the sealing key file is missing while the outbox holds records sealed with
	// it. A new key could never open them, so none is made: the key must be restored.
	ErrKeyLost = errors.New("outbox: sealing key missing")
	// ErrWrongKey: the key given is not the one the outbox's records are sealed with.
	ErrWrongKey = errors.New("outbox: wrong sealing key")
	// ErrClosed: the outbox was closed.
	ErrClosed = errors.New("outbox: closed")
)
