// Package clock is the one definition of time the kiosk's core reads: the front desk's
// sessions, lift grace, idle timeout, supervision, tower light and receipts all ask a Clock,
// never the time package, so that tests drive them on a fake clock (package clocktest)
// instead of sleeping, and a demo can date its receipts without slowing its timers.
//
// Real is the system clock. WithNow keeps the system clock's timers but reads the date from
// a function: a fixed or shifted date for demos and end-to-end tests.
package clock
