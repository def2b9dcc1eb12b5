// Package stafftest is the suite every staff.Store passes (boltstaff, pgstaff), so that
// a hall behaves the same on either database.
package stafftest
