package hall

import "errors"

var (
	// ErrPublished: a bundle of that device type and sequence is already published; a
	// sequence is never reused.
	ErrPublished = errors.New("hall: firmware bundle already published")
	// ErrStorage: the store could not read or commit. The kiosk should resend later.
	ErrStorage = errors.New("hall: storage failure")
	// ErrCorrupt: the store's data cannot be read back (damaged file, wrong key).
	ErrCorrupt = errors.New("hall: stored data corrupt")
	// ErrNotFound: the store holds no such record.
	ErrNotFound = errors.New("hall: not found")
	// ErrInvalid: a request to the store does not make sense (empty kiosk or transaction id).
	ErrInvalid = errors.New("hall: invalid")
)
