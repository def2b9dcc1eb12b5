// Package netsim is a real TCP proxy on loopback between a kiosk and the hall, with a switch
// to cut the link and faults to make it bad: the demo's "cut the network" button and the
// sync tests' network.
//
// Cut drops open connections (with a TCP reset) and resets new ones at once, which is what a
// kiosk sees when the hall's network is down; Restore lets traffic through again.
//
// Faults are decided per TCP connection, either forced for the next connections
// (FailNext) or drawn at random (SetFaults). They know just enough HTTP/1.1 framing to hurt
// at the worst moments: DropResponse forwards the request so the hall stores it, then cuts
// before the kiosk sees the answer (the "lost response"); Truncate forwards the answer's
// header and half its body; Error5xx answers 503 itself without forwarding; Refuse resets the
// connection at once. Delay holds each answer back. A faulted connection is always closed, so
// clients that reuse connections (HTTP keep-alive) meet the next fault on their next
// connection; clients that should meet a random fault on every request disable keep-alive.
//
// Nothing in the proxy takes a context: it serves until Close, which closes every
// connection and joins every goroutine it started.
package netsim
