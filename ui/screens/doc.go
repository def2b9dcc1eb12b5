// Package screens is the kiosk's touchscreen for taxpayers: the idle screen that asks for an
// ID card (or says why the kiosk is out of service), the welcome screen with the masked name
// and the services, and one screen type per service that holds state: the VAT return
// (vatFlow: vat.go, filer.go, and its confirmation and result in pages.go), invoice
// collection (invoiceFlow, invoice.go), tax payment (payFlow, payment.go), a scanned code
// (scanFlow, scan.go) and the rating (rateFlow, rate.go). Certificates (cert.go) and queue
// tickets (queue.go) hold nothing between taps. App keeps the navigation, the core's
// session events and the top bar; the technician's PIN pad and maintenance menu are package
// techpages, drawn in the same window; the widgets every page uses are package kit.
//
// The kiosk core is reached only through the Desk interface in desk.go, so that a change of
// the core's API is one file's change here. Every text comes from the i18n catalogue
// (Chinese by default, English on a tap); every screen but the idle one has a way back and a
// way home, and shows the idle countdown. Every taxpayer screen fits 1280×720, 1280×800 and
// 1920×1080 outputs in both languages, except the cases fit_test.go lists as still
// overflowing.
//
// Screens hold personal data only in masked form, and drop it when the session ends: the
// whole widget tree is rebuilt on every screen change, so nothing of a previous taxpayer
// stays on a label. The App's methods run on the UI thread; work that waits on hardware runs
// in a goroutine and comes back through package bridge.
package screens
