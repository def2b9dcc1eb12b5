package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	kt "taxkiosk/ui/theme"
)

// A tile's minimum size: two fit side by side on a 1280-wide screen, and its height is a
// large touch target.
const (
	TileWidth  = 560
	TileHeight = 1.6 * kt.MinTouch
)

// ColumnWidth is the widest a page's column of text grows: wider, a line is hard to read.
const ColumnWidth = 1120

// RGB is an opaque colour.
func RGB(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// TouchSized gives o at least minWidth by kt.MinTouch, so a finger cannot miss it.
func TouchSized(o fyne.CanvasObject, minWidth float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(minWidth, kt.MinTouch))
	return container.NewStack(r, o)
}

// TouchSizedW gives o at least minWidth, keeping its own height.
func TouchSizedW(o fyne.CanvasObject, minWidth float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(minWidth, 0))
	return container.NewStack(r, o)
}

// Actions lays touch-sized buttons out in a centred row.
func Actions(buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.NewHBox(buttons...))
}

// column lays out one child centred, at most maxWidth wide and at least its minimum high,
// so that wrapped text has room to wrap at a readable measure on any screen size.
type column struct {
	maxWidth float32
	fill     bool // the child takes the whole height (it scrolls what does not fit)
}

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
		if c.fill { // a scroller clips what is wider than it: give it what its content needs
			w = min(size.Width, max(w, o.MinSize().Width))
		}
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		h := o.MinSize().Height // wrapped text is as tall as it is at this width
		if c.fill {
			h = size.Height
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, max(0, (size.Height-h)/2)))
	}
}

// Centred puts objs in a vertical stack, in a centred column of readable width.
func Centred(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{maxWidth: ColumnWidth}, container.NewVBox(objs...))
}

// Scrolled is a page whose middle is long (a list, a form with reminders): head on top and
// foot (the page's action) at the bottom stay where they are, and body scrolls between them
// when the screen is too short for it, so that nothing is cut and the action is always in
// reach. The column is of readable width, as Centred's.
func Scrolled(head, body, foot fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{maxWidth: ColumnWidth, fill: true},
		container.NewBorder(head, foot, nil, nil, container.NewVScroll(body)))
}
