// Package money is exact yuan amounts: an Amount counts fen (0.01 yuan) in an int64, parses
// "476.6" or "32" exactly, and prints two decimals. Tax is never computed in floating point.
package money
