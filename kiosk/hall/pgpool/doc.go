// Package pgpool is the small pool of PostgreSQL connections the hall's stores share (the
// transactions' store, pgstore, and the staff store, pgstaff): a fixed number of connections,
// each dialled on first use and dropped when it broke, lent to one call at a time. The stores
// keep few connections and short calls, so a channel of idle connections is all the pool
// needs; pgbus holds its own listening connection.
package pgpool
