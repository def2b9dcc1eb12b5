package kit

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// KeypadRows is the one numeric keypad of the kiosk, row by row: 1-2-3 on top as on a
// phone and a bank's PIN pad, which is what a taxpayer's hand expects; then the row with 0
// between the key that varies by pad (a decimal point for amounts, none elsewhere) and
// backspace. Clear is always the wide key under the grid, and a pad's confirming action is
// never in it: a tap meant for a digit cannot end up going on.
var KeypadRows = [][]string{{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"extra", "0", "back"}}

// Keypad draws the numeric keypad. Each key is registered as prefix+key (keypad.7,
// keypad.back, keypad.clear); extra is "." for amounts or "" for counts and PINs, where
// that place stays empty so that 0 and backspace do not move between pads. press gets the
// key (7, ., back or clear); keyWidth is each key's least width. The rows are as tall as
// the height given allows, from MinTouch up (keyRows): in large text on a 720-line output
// the pad fits beside its form without scrolling.
func (f *Face) Keypad(prefix, extra string, keyWidth float32, press func(key string)) fyne.CanvasObject {
	grid := container.New(keyRows{cols: 3, span: true})
	add := func(k, label string) {
		b := widget.NewButton(label, f.Tap(func() { press(k) }))
		f.Register(prefix+k, b)
		grid.Add(TouchSized(b, keyWidth))
	}
	for _, row := range KeypadRows {
		for _, k := range row {
			switch {
			case k == "extra" && extra == "":
				grid.Add(TouchSized(canvas.NewRectangle(color.Transparent), keyWidth))
			case k == "extra":
				add(extra, extra)
			case k == "back":
				add(k, f.T("keypad.back"))
			default:
				add(k, k)
			}
		}
	}
	clear := widget.NewButton(f.T("keypad.clear"), f.Tap(func() { press("clear") }))
	f.Register(prefix+"clear", clear)
	grid.Add(clear)
	return grid
}

// MessageLines is how many lines of text a message slot keeps free.
const MessageLines = 2

// Message is a wrapped, centred line of feedback (an error, a hint) in a slot that keeps
// MessageLines lines of room whether or not there is anything to say: a keypad under or
// beside it must not move when a message appears or clears, or the next tap lands on
// another key. text may be "".
func (f *Face) Message(text string, imp widget.Importance) fyne.CanvasObject {
	room := widget.NewLabel(strings.TrimSuffix(strings.Repeat("M\n", MessageLines), "\n")).MinSize()
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, room.Height))
	return container.NewStack(r, f.Para(text, imp))
}

// Reserve keeps o's room when it is not shown, so that what is beside it stays in place.
func Reserve(o fyne.CanvasObject, shown bool) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(o.MinSize())
	if !shown {
		o.Hide()
	}
	return container.NewStack(r, o)
}
