// Command hall runs the reference tax-hall server kiosks deliver to, and audits its store.
//
//	hall serve --listen 127.0.0.1:8600 --data DIR [--db postgres://... [--db-schema hall]] [--tls CERTS]
//	hall count --data DIR [--db postgres://... [--db-schema hall]]
//	hall list  --data DIR [--db postgres://... [--db-schema hall]] [--json] [--reveal]
//	hall certs init  --dir CERTS [--hosts 127.0.0.1,localhost]
//	hall certs issue --dir CERTS --kiosk K001
//
// With serve --tls CERTS the hall speaks HTTPS, requires a kiosk certificate issued by
// "certs issue", lets a kiosk post only under its own id, and verifies each batch's Ed25519
// signature (package hall/certs).
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
