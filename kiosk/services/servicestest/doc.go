// Package servicestest runs a whole kiosk for the services' end-to-end tests: the real desk,
// outbox and journal on bbolt files under the test's directory, the demo's simulators on
// ptys and its hall on loopback (package terminaltest), dated 2026-12-05 so that late-payment
// surcharges come out as the tests work them by hand. The services' logic tests use the
// in-process fake counter (countertest) instead.
package servicestest
