// Package terminaltest starts whole kiosks for tests, the way `kiosk --demo` starts one: the
// demo's device simulators on real pseudo-terminals, its hall over mutual TLS behind the
// cuttable link, and a terminal opened on them with the real drivers, outbox and sync loop.
// Tests of the desk, the terminal, the screens and kioskctl all build their kiosk here, so
// that a change to how a kiosk is assembled is made once.
//
// Everything a kiosk writes lives under the test's temporary directory; Start registers
// cleanups that stop the kiosk before the simulators.
package terminaltest
