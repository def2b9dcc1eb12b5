package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/i18n"
	kt "taxkiosk/ui/theme"
)

// OutOfService is the whole screen of a kiosk that cannot serve at all (its storage would
// not open, say): in both languages at once, since nobody can switch, with the way forward
// for the taxpayer and a line for the technician. The cause is in the log, never on screen.
func OutOfService(cat *i18n.Catalog) fyne.CanvasObject {
	items := []fyne.CanvasObject{}
	for _, l := range i18n.Langs {
		title := widget.NewLabelWithStyle(cat.T(l, "oos.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		title.SizeName = "headingText"
		body := widget.NewLabelWithStyle(cat.T(l, "oos.body"), fyne.TextAlignCenter, fyne.TextStyle{})
		body.Wrapping = fyne.TextWrapWord
		items = append(items, title, body)
	}
	tech := widget.NewLabelWithStyle(cat.T(i18n.ZH, "oos.tech")+"  "+cat.T(i18n.EN, "oos.tech"), fyne.TextAlignCenter, fyne.TextStyle{})
	tech.Importance = widget.LowImportance
	tech.Wrapping = fyne.TextWrapWord
	items = append(items, tech)
	return container.NewStack(canvas.NewRectangle(kt.Paper), centred(items...))
}
