// Package storetest is the suite every hall.Store implementation must pass, so the bbolt and
// PostgreSQL stores (and test fakes) are held to the same contract: one row per (kiosk id,
// transaction id) for ever, the first result returned to every resend, gap-free per-kiosk
// cursors, concurrent resends of one batch stored once, and nothing stored under a
// cancelled context. Each backend's test calls Run with a function that opens an empty store.
package storetest
