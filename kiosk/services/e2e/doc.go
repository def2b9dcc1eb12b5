// Package e2e holds the end-to-end tests of the front desk and the taxpayer services: a
// whole kiosk (the real desk, outbox and journal on bbolt files under the test's directory,
// the demo's simulators on ptys, its hall on loopback; package terminaltest) dated
// 2026-12-05, so that late-payment surcharges come out as the tests work them by hand. They
// live together so that the kiosk is linked into one test binary; each service's logic is
// tested beside it against the in-process fake counter (countertest).
package e2e
