// Package control is the running kiosk's local control socket: kioskctl asks it for the
// outbox's status, lists and exports records, and wakes the sync loop; and it drives the
// technician's menu from SSH: self-tests, cabinet outputs, the network check, settings and
// their change log, the log tail, the paper counter, the opening checklist and maintenance. bbolt lets only one
// process hold the outbox file, so while the kiosk runs this socket is the only way in; when
// no kiosk runs, kioskctl opens the file read-only and calls the same Handler (Kiosk) itself.
//
// Protocol: a unix stream socket; the client writes one JSON Request followed by a newline,
// the server answers one JSON Response followed by a newline and closes the connection. Ops
// are "outbox.status", "outbox.list", "outbox.export" and "sync.now", answered from the file
// too when no kiosk runs, and the technician's ops (tech.go: "tech.selftest", "config.set",
// "maintenance.enter" and the rest), which only a running kiosk answers (Kiosk.Tech). A refused
// setting comes back with its catalogue key in Response.ErrorKey (RefusedError.MessageKey).
//
// Maintenance from the socket: "maintenance.enter" takes the kiosk out of taxpayer service without
// a PIN, recorded as via "kioskctl"; the socket's access rule below stands in for the PIN. A
// card or scanner self-test is refused outside maintenance, since the desk is then reading
// that device for taxpayers.
//
// Access: the socket is created with mode 0600 inside the kiosk's 0700 data directory, and on
// Linux the server also checks the peer's uid (SO_PEERCRED): only the kiosk's own user and
// root are answered. Personal data in records is masked (name 张*, ID number
// 4104**********123X, address cut after its first three characters) unless an export asks to
// reveal it; revealed data goes only to that caller over this socket, and WriteExport writes
// it to a 0600 file.
//
// Deadlines: every client call takes a context; its deadline (or Client.Timeout) bounds the
// dial and the exchange. The server gives a connection ConnTimeout to send its request and
// read its answer; a scanner self-test waits up to 15 s and a network check up to 10 s
// within it. Serve returns when its context ends, after the exchanges in flight have
// finished, and removes the socket file.
package control
