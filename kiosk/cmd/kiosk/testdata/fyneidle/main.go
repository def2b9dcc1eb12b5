// Command fyneidle is Fyne and nothing else: one fullscreen window with one label, for
// TestFootprint to measure what Fyne's own event loop costs at a still screen, apart from
// what the kiosk adds (device polls, timers, its screens).
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("cn.gov.tax.selfservice.fyneidle")
	w := a.NewWindow("fyneidle")
	w.SetContent(widget.NewLabel("idle"))
	w.Resize(fyne.NewSize(1280, 800))
	w.SetFullScreen(true)
	w.ShowAndRun()
}
