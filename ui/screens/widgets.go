package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	kt "taxkiosk/ui/theme"
)

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// touchSized gives o at least minWidth by kt.MinTouch, so a finger cannot miss it.
func touchSized(o fyne.CanvasObject, minWidth float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(minWidth, kt.MinTouch))
	return container.NewStack(r, o)
}

// touchSizedW gives o at least minWidth, keeping its own height.
func touchSizedW(o fyne.CanvasObject, minWidth float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(minWidth, 0))
	return container.NewStack(r, o)
}

// tile is a large service button: a title and a line of description on the primary colour.
func (a *App) tile(titleKey, descKey string, enabled bool, f func()) fyne.CanvasObject {
	return a.tileOf(titleKey, a.T(titleKey), a.T(descKey), enabled, f)
}

// tileText is a tile whose texts are data (an enterprise's name), registered under key.
func (a *App) tileText(key, title, desc string, f func()) fyne.CanvasObject {
	return a.tileOf(key, title, desc, true, f)
}

func (a *App) tileOf(key, titleText, descText string, enabled bool, f func()) fyne.CanvasObject {
	b := a.button(key, widget.HighImportance, f)
	b.SetText("")
	ink := kt.Paper
	if !enabled {
		b.Disable()
		ink = kt.Muted
	}
	title := canvas.NewText(titleText, ink)
	title.TextSize = a.theme.Size("subHeadingText")
	title.TextStyle.Bold = true
	title.Alignment = fyne.TextAlignCenter
	desc := canvas.NewText(descText, ink)
	desc.TextSize = a.theme.Size("text")
	desc.Alignment = fyne.TextAlignCenter
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(560, 1.6*kt.MinTouch))
	return container.NewStack(r, b, container.NewCenter(container.NewVBox(title, desc)))
}

// column lays out one child centred, at most maxWidth wide and at least its minimum high,
// so that wrapped text has room to wrap at a readable measure on any screen size.
type column struct{ maxWidth float32 }

func (c column) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (c column) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := min(size.Width, c.maxWidth)
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		h := o.MinSize().Height // wrapped text is as tall as it is at this width
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, max(0, (size.Height-h)/2)))
	}
}

// centred puts objs in a vertical stack, in a centred column of readable width.
func centred(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{maxWidth: 1120}, container.NewVBox(objs...))
}
