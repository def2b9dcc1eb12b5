// Package creditcode validates the unified social credit code (统一社会信用代码, GB 32100-2015)
// a taxpayer types on the touchscreen: 18 characters over 0-9 and the capitals A-Y less I, O,
// S, V and Z; the 18th is a check character over the first 17 with weights 3^i mod 31.
//
// Some codes issued in early pilots fail the check; Check reports them with ErrCheck so the
// screen can warn and let the hall verify, rather than refuse a real enterprise outright.
package creditcode
