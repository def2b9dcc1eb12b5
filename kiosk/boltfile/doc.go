// Package boltfile opens the kiosk's bbolt files (the outbox, the printer journal) one way:
// mode 0600, a bounded wait for another process's lock, a read-only open that never creates
// a missing file, and every failure sorted into one of three kinds a technician acts on
// differently: the file is held by another process, the file cannot be reached at all, or
// its content is damaged. Each caller maps the kinds onto its own sentinel errors.
//
// bbolt can also panic on some damaged pages, at open or on first read; callers keep their
// own recover around the whole of their opening, since that covers their first reads too.
package boltfile
