// Package bridge is the one place that crosses from the kiosk core's goroutines into Fyne's
// UI thread: Do wraps fyne.Do, Pump delivers core events, and Every runs periodic screen
// updates. Screens never call fyne.Do themselves, so a newcomer finds every thread crossing
// here, and a UI change from the wrong goroutine cannot hide elsewhere.
//
// Work handed over is run only on the UI thread (the process's main thread, to which Fyne's
// desktop driver locks its loop). After the loop has ended, Fyne runs what it is given at once
// on the caller's goroutine; Do drops that work instead, so that a tick or an event racing a
// stop never touches a window system that is already gone.
package bridge
