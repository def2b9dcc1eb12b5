// Package boltstaff is staff.Store on a bbolt file: the staff data of a single hall, kept
// in its own file (hall-staff.db) beside the hall's transactions, since bbolt lets one process
// hold a file. Two halls sharing staff need staff/pgstaff.
package boltstaff
