package journal

import "errors"

var (
	// ErrStorage: the file could not be opened or a bbolt commit failed (disk full, I/O
	// error). Nothing was changed.
	ErrStorage = errors.New("journal: storage failure")
	// ErrCorrupt: the file is not a readable journal. It was left untouched.
	ErrCorrupt = errors.New("journal: database file corrupt")
	// ErrLocked: another process holds the journal file, normally the running kiosk.
	ErrLocked = errors.New("journal: database file in use by another process")
	// ErrNotFound: no job with that id.
	ErrNotFound = errors.New("journal: no such job")
	// ErrInvalid: a job or result that cannot be recorded (no id, no document, unknown block
	// kind, a result state other than printed or failed).
	ErrInvalid = errors.New("journal: invalid")
	// ErrReadOnly: the journal was opened with Opts.ReadOnly.
	ErrReadOnly = errors.New("journal: opened read-only")
	// ErrClosed: the journal was closed.
	ErrClosed = errors.New("journal: closed")
)
