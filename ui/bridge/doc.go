// Package bridge is the one place that crosses from the kiosk core's goroutines into Fyne's
// UI thread: Do wraps fyne.Do, Pump delivers core events, and Every runs periodic screen
// updates. Screens never call fyne.Do themselves, so a newcomer finds every thread crossing
// here, and a UI change from the wrong goroutine cannot hide elsewhere.
package bridge
