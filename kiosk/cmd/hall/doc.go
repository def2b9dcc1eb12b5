// Command hall runs the reference tax-hall server kiosks deliver to, and audits its store.
//
//	hall serve --listen 127.0.0.1:8600 --data DIR [--db postgres://... [--db-schema hall]] [--tls CERTS]
//	           [--counters 127.0.0.1:8601] [--max-conns 4096] [--max-conns-per-source 64] [--silent-after 5m]
//	hall count --data DIR [--db postgres://... [--db-schema hall]]
//	hall list  --data DIR [--db postgres://... [--db-schema hall]] [--json] [--reveal]
//	hall alarms --data DIR [--db ...] [--json]
//	hall evidence --data DIR [--db ...] --kiosk K001 --txn ID [--out FILE]
//	hall certs init  --dir CERTS [--hosts 127.0.0.1,localhost]
//	hall certs issue --dir CERTS --kiosk K001
//	hall staff add NAME --role seat|counter|duty|admin [--counter N] --data DIR [--db ...]   (password on stdin)
//	hall staff list|audit --data DIR [--db ...] [-n 50]
//	hall staff kiosk K001 --name 1号自助终端 --place 自助办税区东侧 --data DIR [--db ...]
//
// With serve --tls CERTS the hall speaks HTTPS, requires a kiosk certificate issued by
// "certs issue", lets a kiosk post only under its own id, and verifies each batch's Ed25519
// signature (package hall/certs). Without --tls, serve refuses any address but a loopback
// one: kiosks would send personal data in clear text and anyone could post batches. Calling
// queue tickets is a counter's operation, never a kiosk's: --counters serves it alone, on a
// loopback address, in plain HTTP.
//
// serve --staff-listen ADDR (with --tls) also serves the staff web pages (package
// hall/staffweb): the expert seat, the counters and the hall display, over HTTPS with an
// ECDSA certificate made beside the hall's on first start (certs.StaffConfig; browsers accept
// no Ed25519), asking for no client certificate: staff log in with the accounts `hall staff
// add` makes, kept in the hall's database (hall-staff.db in DIR, or the PostgreSQL schema of
// --db, shared by every hall process on it). serve then prints the staff URL and the hall
// display's URL, whose secret is derived from hall.key. The help requests kiosks send appear
// on the seat's page, a kiosk learns that its call was taken from GET /v1/help, and the
// queue tickets kiosks take and counters call are numbered in that database.
//
// serve raises its open-file limit to the hard limit, accepts at most --max-conns
// connections (idle ones give way to new ones) and --max-conns-per-source from one address,
// and closes connections that send no request headers within 10 s or stay idle 60 s.
//
// serve keeps each kiosk's last heartbeat and sweeps for kiosks that stopped sending them:
// one quiet for --silent-after is a "silent" alarm on the duty leader's board.
//
// alarms lists what the hall's staff should look at (sequence gaps and repeats, kiosks
// asking about many people or without a card session, counter calls by kiosks). evidence
// prints a stored transaction's batch hash, size and signature; --out writes the signed
// bytes themselves to a new file of mode 0600 (they hold personal data).
//
// DIR holds hall.key (the hall's sealing key, created at first start, mode 0600) and, without
// --db, the bbolt store hall.db. With --db the transactions live in PostgreSQL (still sealed
// with the key in DIR). serve prints "hall: serving on URL" once it listens and shuts down
// gracefully on SIGINT or SIGTERM. With bbolt, count and list open the file themselves, so
// run them while serve is stopped. list masks names and ID numbers unless --reveal is given.
//
// The server itself is the library package hall, so the kiosk's demo embeds the same server
// in process; this command only wires flags, files and signals to it.
package main
