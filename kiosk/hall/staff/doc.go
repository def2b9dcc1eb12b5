// Package staff is the hall's people and what they do: staff accounts with a role (the
// expert seat 纳税服务专家坐席, a counter clerk, the duty leader 值班领导, an administrator),
// their sessions, the audit trail of every staff action, the expert seat's help calls, the
// counters' queue, and the Bus that tells every page of every hall process that something
// changed.
//
// Staff data lives in the hall's database so that two hall processes on one PostgreSQL
// serve the same staff (package staff/pgstaff); a single hall keeps it in a bbolt file in its
// data directory (package staff/boltstaff). Both pass staff/stafftest. Passwords are stored
// only as argon2id hashes (RFC 9106, the PHC string format); session tokens only as their
// SHA-256, so a copy of the database opens no session.
//
// The queue numbers tickets per business type per day in China Standard Time, as the hall's
// own in-memory queue did: A001 for filing, B for invoices, C for registration, D for
// consulting. A ticket is called once; a recall shows the same number again; a skip passes
// over the ticket without serving it.
//
// Every method takes a context; at its deadline the database call is abandoned and nothing
// is half-written (each method is one transaction).
package staff
