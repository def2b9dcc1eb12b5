// Package pgstaff is staff.Store on PostgreSQL, in the hall's own database and schema
// (tables staff_*), so that every hall process on that database sees the same accounts,
// sessions, help calls and queue. Each method is one transaction; a read-modify-write
// (UpdateAccount, UpdateHelpCall, CallNext...) locks its rows (SELECT ... FOR UPDATE), so
// that two halls never both accept one call or call one ticket.
package pgstaff
