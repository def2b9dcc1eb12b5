// Package maint guards the technician's maintenance mode: PINs are kept only as scrypt
// hashes (in the configuration, made with `kioskctl pin hash`), and wrong PINs lock entry
// for a growing time: five wrong in a row lock it for a minute, each further five for twice
// as long as the last, up to a day. A right PIN clears the count.
//
// Time comes from the caller, so the lockout schedule is tested without waiting.
package maint
