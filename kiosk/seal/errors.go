package seal

import "errors"

var (
	// ErrKeyPermissions: the key file is readable or writable by group or others.
	ErrKeyPermissions = errors.New("seal: key file permissions too wide (want 0600)")
	// ErrKeySize: the key file does not hold exactly KeySize bytes.
	ErrKeySize = errors.New("seal: key file has the wrong size")
	// ErrOpen: the sealed data was altered, truncated, sealed with another key or bound to
	// other aad.
	ErrOpen = errors.New("seal: cannot open sealed data")
)
