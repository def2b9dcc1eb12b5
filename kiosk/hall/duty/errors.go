package duty

import "errors"

var (
	// ErrNote: a duty-log note is empty, too long, or for a day that does not parse.
	ErrNote = errors.New("duty: invalid note")
	// ErrNotice: an announcement lacks a title, is too long, or ends before it starts or
	// before now.
	ErrNotice = errors.New("duty: invalid notice")
)
