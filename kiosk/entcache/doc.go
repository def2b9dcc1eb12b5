// Package entcache keeps on the kiosk what the hall last said each person may act for: their
// enterprises with the approvals, outstanding taxes, certificates and risk reminders the hall
// listed. When the hall cannot be reached, an identified taxpayer still gets their
// enterprises as one-tap choices, marked with the time the hall said so; the hall checks
// everything again when the transaction arrives.
//
// Who acts for which enterprise is personal data. Records are keyed by a keyed digest of the
// ID number (seal.Key.Tag), never the number, and their content is sealed with the kiosk's
// AES-256-GCM key bound to that digest, in a bbolt file of its own (mode 0600). An entry
// older than MaxAge is dropped when read and by Purge: a month-old list of unpaid taxes would
// mislead more than help.
package entcache
