// Package screens is the taxpayer's touchscreen: the idle screen that asks for an ID card,
// the welcome screen with the taxpayer's masked name and the services, the VAT return, its
// confirmation, and the result with the receipt's fate. Every text comes from the i18n
// catalogue (Chinese by default, English on a tap); every screen but the idle one has a way
// back and a way home, and shows the idle countdown.
//
// Screens hold personal data only in masked form, and drop it when the session ends: the
// whole widget tree is rebuilt on every screen change, so nothing of a previous taxpayer
// stays on a label. The App's methods run on the UI thread; work that waits on hardware runs
// in a goroutine and comes back through package bridge.
package screens
