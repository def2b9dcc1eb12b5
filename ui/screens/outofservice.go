package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/i18n"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// OutOfService is the whole screen of a kiosk that cannot serve at all (its storage would
// not open, say): in both languages at once, since nobody can switch, with the way forward
// for the taxpayer and a line for the technician: techKey names the catalogue text that says
// what to do about the cause in plain words ("" for the general one); the error itself is in
// the log, never on screen.
func OutOfService(cat *i18n.Catalog, techKey string) fyne.CanvasObject {
	items := []fyne.CanvasObject{}
	for _, l := range i18n.Langs {
		title := widget.NewLabelWithStyle(cat.T(l, "oos.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		title.SizeName = "headingText"
		body := widget.NewLabelWithStyle(cat.T(l, "oos.body"), fyne.TextAlignCenter, fyne.TextStyle{})
		body.Wrapping = fyne.TextWrapWord
		items = append(items, title, body)
	}
	if techKey == "" {
		techKey = "oos.tech"
	}
	for _, l := range i18n.Langs {
		tech := widget.NewLabelWithStyle(cat.T(l, techKey), fyne.TextAlignCenter, fyne.TextStyle{})
		tech.Importance = widget.LowImportance
		tech.Wrapping = fyne.TextWrapWord
		if l == i18n.ZH {
			tech.Wrapping = fyne.TextWrapBreak // Chinese has no spaces to break at
		}
		items = append(items, tech)
	}
	return container.NewStack(canvas.NewRectangle(kt.Paper), kit.Centred(items...))
}
