package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// box is a rectangle on the window, in Fyne units.
type box struct{ x0, y0, x1, y1 float32 }

func (b box) intersect(o box) box {
	return box{max(b.x0, o.x0), max(b.y0, o.y0), min(b.x1, o.x1), min(b.y1, o.y1)}
}

func (b box) empty() bool { return b.x1 <= b.x0 || b.y1 <= b.y0 }

// contains says whether o lies in b, give or take slack.
func (b box) contains(o box, slack float32) bool {
	return o.x0 >= b.x0-slack && o.y0 >= b.y0-slack && o.x1 <= b.x1+slack && o.y1 <= b.y1+slack
}

// drawn is a text as the painter draws it: the box of its glyphs' line, and the part of it
// that is not clipped away by a scroller.
type drawn struct {
	text    string
	at      box  // where the text's line is drawn
	shown   box  // at, clipped by the scrollers around it
	inner   box  // the button it labels, or the window
	clipped bool // a scroller around it cuts part of it: it scrolls into view
}

// drawnTexts walks o (at pos on the window) as the painter does and collects every visible
// text, with the clip of the scrollers around it.
func drawnTexts(o fyne.CanvasObject, pos fyne.Position, clip, inner box, out *[]drawn) {
	if o == nil || !o.Visible() {
		return
	}
	here := pos.Add(o.Position())
	size := o.Size()
	r := box{here.X, here.Y, here.X + size.Width, here.Y + size.Height}
	switch o := o.(type) {
	case *canvas.Text:
		if strings.TrimSpace(o.Text) == "" {
			return
		}
		m := o.MinSize()
		x := here.X
		switch o.Alignment {
		case fyne.TextAlignCenter:
			x += (size.Width - m.Width) / 2
		case fyne.TextAlignTrailing:
			x += size.Width - m.Width
		}
		y := here.Y
		if size.Height > m.Height {
			y += (size.Height - m.Height) / 2
		}
		at := box{x, y, x + m.Width, y + m.Height}
		shown := at.intersect(clip)
		if !shown.empty() {
			*out = append(*out, drawn{o.Text, at, shown, inner, !clip.contains(at, 0.5)})
		}
		return
	case *fyne.Container:
		for _, c := range o.Objects {
			drawnTexts(c, here, clip, inner, out)
		}
		return
	case *container.Scroll:
		clip = clip.intersect(r)
	case *widget.Button:
		inner = r
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			drawnTexts(c, here, clip, inner, out)
		}
	}
}

// checkTexts fails when a text of the page is drawn over another (本期应纳税额 over the
// countdown), out of the window, or out of the button it labels (a tile's subtitle cut
// into its neighbour's): widget bounds, as the painter will draw them, not a golden image.
func checkTexts(t *testing.T, c fyne.Canvas, page fyne.CanvasObject, name string) {
	t.Helper()
	win := box{0, 0, c.Size().Width, c.Size().Height}
	var texts []drawn
	drawnTexts(page, fyne.NewPos(0, 0).Subtract(page.Position()).Add(fyne.CurrentApp().Driver().AbsolutePositionForObject(page)), win, win, &texts)
	for i, a := range texts {
		if !a.clipped && !a.inner.contains(a.at, 1) {
			where := "the window"
			if a.inner != win {
				where = "its button"
			}
			t.Errorf("%s: %q is drawn at %v, out of %s %v", name, a.text, a.at, where, a.inner)
		}
		for _, b := range texts[i+1:] {
			if both := a.shown.intersect(b.shown); both.x1-both.x0 > 1 && both.y1-both.y0 > 1 {
				t.Errorf("%s: %q (%v) and %q (%v) are drawn over each other", name, a.text, a.shown, b.text, b.shown)
			}
		}
	}
}

// shownObjects are the objects drawn on the page: visible, under visible parents.
func shownObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	out := []fyne.CanvasObject{o}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			out = append(out, shownObjects(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			out = append(out, shownObjects(c)...)
		}
	}
	return out
}

// checkKeysStill fails when a keypad's key lies in a scroller: a page of keys must fit
// without scrolling, or a tap meant for a key scrolls the page instead.
func checkKeysStill(t *testing.T, a *App, name string) {
	t.Helper()
	scrolled := scrolledButtons(a.Content())
	for _, k := range a.Keys() {
		if isKey(k) && scrolled[a.Button(k)] {
			t.Errorf("%s: key %q is on a page that scrolls", name, k)
		}
	}
}

// scrolledButtons are the buttons shown in a scroller on the page.
func scrolledButtons(page fyne.CanvasObject) map[*widget.Button]bool {
	out := map[*widget.Button]bool{}
	var walk func(o fyne.CanvasObject, scrolled bool)
	walk = func(o fyne.CanvasObject, scrolled bool) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Button:
			if scrolled {
				out[o] = true
			}
			return
		case *container.Scroll:
			scrolled = true
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c, scrolled)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c, scrolled)
			}
		}
	}
	walk(page, false)
	return out
}
