// Package screens is the kiosk's touchscreen. For taxpayers: the idle screen that asks for an
// ID card (or says why the kiosk is out of service), the welcome screen with the masked name
// and the services, the VAT return (vat.go, filer.go), invoice collection (invoice.go), tax
// payment (payment.go), certificates (cert.go), scanned codes (scan.go), queue tickets
// (queue.go), the rating (rate.go). For technicians (maint*.go): the PIN pad, and the
// maintenance menu with device status, self-tests, outbox, network, configuration, logs,
// consumables and the readiness checklist. Every text comes from the i18n
// catalogue (Chinese by default, English on a tap); every screen but the idle one has a way
// back and a way home, and shows the idle countdown.
//
// Screens hold personal data only in masked form, and drop it when the session ends: the
// whole widget tree is rebuilt on every screen change, so nothing of a previous taxpayer
// stays on a label. The App's methods run on the UI thread; work that waits on hardware runs
// in a goroutine and comes back through package bridge.
package screens
