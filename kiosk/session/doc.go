// Package session holds the one taxpayer session a kiosk serves at a time: who placed their
// ID card, when, and when they last touched the screen. It owns the personal data read from
// the card while the taxpayer stands at the kiosk, and forgets it when the session ends:
// the card's photo bytes are overwritten and every reference dropped, so nothing personal
// outlives the visit in memory or on screen.
//
// Time comes from an injected clock, so idle timeouts are tested without waiting.
package session
