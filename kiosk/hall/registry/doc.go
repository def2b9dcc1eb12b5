// Package registry is the hall's read-only taxpayer registry: which enterprises a person (by
// ID number) may act for, and per enterprise its invoice approvals, outstanding taxes,
// paid-tax certificates, risk reminders and tripartite payment agreement; plus the table of
// known invoices the hall verifies scanned invoices against.
//
// Demo returns the built-in demonstration data, matching the ID-card simulator's personas
// (drivers/idcard/idcardsim): the ID numbers are the personas', every enterprise and invoice
// is invented. Load reads the same shape from a JSON file (File), for a hall that wants other
// data. Both are checked by New: every unified social credit code must pass its GB 32100
// check character, amounts must be exact decimals, every link must name a known enterprise.
//
// A Registry never changes after New and is safe for concurrent use. Its answers are copies:
// callers may change them. Payments made at the hall are not recorded here: the hall keeps
// its own ledger and subtracts paid items (package hall).
//
// Personal data: ID numbers are map keys only. Errors name a person by their index in
// File.People and Label, never by ID number. Nothing here waits on hardware or network, so
// no call takes a context.
package registry
