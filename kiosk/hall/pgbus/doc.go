// Package pgbus is the staff pages' Bus across hall processes: PostgreSQL LISTEN/NOTIFY on
// the database the halls share, so that a help call accepted on one hall's page is seen at
// once on the other's.
//
// A message published here reaches this process's subscribers at once, in process, and the
// other processes through pg_notify on one channel per schema ("hall_bus_" + schema); each
// process tags what it sends and skips its own when the notification comes back. A
// notification's payload is limited by PostgreSQL to 8000 bytes; the Bus carries notes
// ("something changed", an id), never data, so Publish refuses a larger one (ErrTooLarge).
//
// The listening connection is dialled again whenever it breaks (backoff from 100 ms to
// 5 s). Notifications sent while it was down are lost, so after every reconnection each
// subscriber gets one message of every topic it follows with an empty payload: pages then
// re-read the store, and a lost note costs a refresh, never data. Close stops the listener
// and waits for it.
package pgbus
