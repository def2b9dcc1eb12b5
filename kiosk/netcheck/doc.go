// Package netcheck is the technician's network page: can the kiosk reach its hall, how long
// does one request take, are the TLS certificates on both sides still valid, and does the
// kiosk's clock agree with the hall's.
//
// Check makes one GET of the hall's health endpoint (hallapi.PathHealth) on a fresh
// connection, so the round trip includes the TCP connection and, over https, the mutual TLS
// 1.3 handshake a sync would make. The failure is classified into a catalogue key:
// net.check.dns (the name does not resolve), net.check.refused (nothing listens on the
// port, or the host is unreachable), net.check.timeout (no answer in time), net.check.tls
// (the handshake failed: unknown authority, expired or refused certificate) and
// net.check.error (anything else, including an HTTP status other than 200).
//
// Clock skew comes from the hall's Date header (RFC 7231), which has a resolution of one
// second: a skew reported as 0s means within a second, and ±1s may be rounding. The kiosk's
// time is taken at the middle of the round trip.
//
// Deadlines: Check never waits longer than its context or Opts.Timeout (default 10 s),
// whichever ends first; a deadline reached is reported as net.check.timeout in the report,
// never as an error return.
package netcheck
