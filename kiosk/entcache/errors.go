package entcache

import "errors"

var (
	// ErrStorage: the cache file cannot be opened, read or written.
	ErrStorage = errors.New("entcache: storage")
	// ErrLocked: another process holds the cache file.
	ErrLocked = errors.New("entcache: file in use by another process")
	// ErrCorrupt: the cache file or a record in it is damaged; the cache can be deleted, it
	// holds nothing the hall does not.
	ErrCorrupt = errors.New("entcache: damaged")
)
