// Package creditcodetest holds what tests of GB 32100-2015 credit codes share: unified social
// credit codes published by others (real enterprises' codes, one for each of the 31 check
// characters), and Valid, a second formulation of the check written apart from package
// creditcode so that a test comparing the two fails when either is wrong.
//
// It is for tests only; nothing the kiosk or the hall ships imports it.
package creditcodetest
