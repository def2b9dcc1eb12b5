package theme

import (
	"fyne.io/fyne/v2"
)

// warmText holds a rune of each script the idle screen draws; measuring it makes Fyne parse
// and cache the face of a style.
const warmText = "自助办税 24h"

// Warm makes Fyne parse the faces the idle screen draws with, regular and bold (the two
// bundled Noto Sans CJK SC faces, about 16 MB of outlines each), so that start-up can do it
// on another core while the terminal opens and the window is made. Fyne caches a face per
// style on first use; the monospace face is left to its first use, which a taxpayer's
// screens never make (the technician's log and configuration pages do). Call it after the
// app exists and the theme is set, and build the screens only after it returns: two
// goroutines measuring text for the first time would each parse the same face.
func Warm(size float32) {
	for _, s := range []fyne.TextStyle{{}, {Bold: true}} {
		fyne.MeasureText(warmText, size, s)
	}
}
