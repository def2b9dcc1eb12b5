package registry

import "errors"

var (
	// ErrInvalid: registry data breaks a rule New checks (bad credit code, unknown link,
	// duplicate id, bad amount or date). The message names the offending entry.
	ErrInvalid = errors.New("registry: invalid data")
	// ErrRead: the registry file cannot be read.
	ErrRead = errors.New("registry: cannot read file")
)
