package screens

import (
	"time"

	"taxkiosk/ui/techpages"
)

// Technician is the maintenance menu's side of the kiosk (package techpages).
type Technician = techpages.Technician

// The hidden gesture that opens the PIN pad: five taps on the title within three seconds.
const (
	gestureTaps   = 5
	gestureWithin = 3 * time.Second
)

// titleTapped counts taps on the idle screen's title for the hidden gesture.
func (a *App) titleTapped() {
	if a.screen != ScreenIdle {
		return
	}
	now := a.now()
	a.gesture = append(a.gesture, now)
	for len(a.gesture) > 0 && now.Sub(a.gesture[0]) > gestureWithin {
		a.gesture = a.gesture[1:]
	}
	if len(a.gesture) >= gestureTaps {
		a.gesture = nil
		a.openPIN("gesture")
	}
}

// openPIN shows the technician's PIN pad; via says how it was reached, for the audit.
func (a *App) openPIN(via string) {
	if a.maint == nil {
		return // a kiosk assembled without a technician side (tests of taxpayer screens)
	}
	a.maint.OpenPIN(via)
	a.show(ScreenPIN)
}

// techHost is the App as the technician's pages see it.
type techHost struct{ a *App }

func (h techHost) Render()        { h.a.render() }
func (h techHost) Do(f func())    { h.a.do(f) }
func (h techHost) Now() time.Time { return h.a.now() }
func (h techHost) Opened()        { h.a.show(ScreenMaint) }
func (h techHost) Closed()        { h.a.show(ScreenIdle) }
