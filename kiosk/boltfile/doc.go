// Package boltfile opens the kiosk's bbolt files (the outbox, the printer journal, the
// enterprise cache) one way: mode 0600, a bounded wait for another process's lock, a
// read-only open that never creates a missing file, a structure check before the file is
// used, and every failure sorted into one of three kinds a technician acts on differently:
// the file is held by another process, the file cannot be reached at all, or its content is
// damaged. Each caller maps the kinds onto its own sentinel errors.
//
// bbolt panics on some damaged pages, and its tx.Check does so on a goroutine of its own
// where no recover reaches; Check walks the file on the caller's goroutine first, so a
// damaged page becomes the Corrupt error. Callers still keep their own recover around their
// first reads, for damage the walk cannot see (a value's bytes).
package boltfile
