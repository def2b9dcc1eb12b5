// Package demo stands up everything a kiosk needs around it, for `kiosk --demo` and for
// end-to-end tests: the ID-card reader, printer and scanner simulators, each speaking its
// real serial protocol on the master side of a pseudo-terminal (the kiosk opens the slave
// exactly as it would open /dev/ttyUSB0), and a hall server on loopback behind a real TCP
// proxy whose link the control panel can cut and restore.
//
// Nothing here is a mock: the kiosk under demo runs the same drivers, outbox and sync code
// as in a hall; only the ports and the hall's address differ.
package demo
