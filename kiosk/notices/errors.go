package notices

import "errors"

var (
	// ErrLocked: another process holds the file.
	ErrLocked = errors.New("notices: file in use by another process")
	// ErrStorage: the file cannot be read or written.
	ErrStorage = errors.New("notices: storage failure")
	// ErrCorrupt: the file's content is damaged.
	ErrCorrupt = errors.New("notices: file damaged")
)
