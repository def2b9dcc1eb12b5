package certs

import "errors"

var (
	// ErrExists: the directory already holds a CA, or the kiosk a certificate; nothing was
	// overwritten.
	ErrExists = errors.New("certs: already exists")
	// ErrInvalid: a kiosk id or host that cannot go in a certificate.
	ErrInvalid = errors.New("certs: invalid")
	// ErrFiles: the directory's files are missing, unreadable or do not fit together.
	ErrFiles = errors.New("certs: bad certificate files")
)
