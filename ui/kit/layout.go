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

// Centred puts objs in a vertical stack, in a centred column of readable width, centred in
// the page's height. When the page is too short for them (large text on a 720-line output)
// they scroll, under the bottom bar that stays in sight, instead of pushing it off the
// screen: a page that must never scroll, a keypad's, uses Filled.
func Centred(objs ...fyne.CanvasObject) fyne.CanvasObject {
	inner := container.New(column{maxWidth: ColumnWidth}, container.NewVBox(objs...))
	return container.New(column{maxWidth: ColumnWidth, fill: true}, container.NewVScroll(inner))
}

// Filled is a page that never scrolls, a keypad's: head on top, foot at the bottom, and
// body, which adapts to the height it is given (a keypad's rows), all the height between.
// Either of head and foot may be nil.
func Filled(head, body, foot fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{maxWidth: ColumnWidth, fill: true}, container.NewBorder(head, foot, nil, nil, body))
}

// Scrolled is a page whose middle is long (a list, a form with reminders): head on top and
// foot (the page's action) at the bottom stay where they are, and body scrolls between them
// when the screen is too short for it, so that nothing is cut and the action is always in
// reach. The column is of readable width, as Centred's.
func Scrolled(head, body, foot fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{maxWidth: ColumnWidth, fill: true},
		container.NewBorder(head, foot, nil, nil, container.NewVScroll(body)))
}

// keyRows lays keys out in rows of cols, each key as wide as the widest needs, and the rows
// as tall as the height given allows: at least MinTouch (a key's label is smaller than that
// in either text size), at most maxKey. With span set the last object is a wide key alone
// on the last row (a keypad's clear). Keys keep their places whatever is drawn around
// them; only the page's height changes them.
type keyRows struct {
	cols int
	span bool
}

// keyGap is the room between two keys: less than the theme's padding, so that sixteen
// touch-sized keys fit a row of readable width.
const keyGap = 6

// maxKey is the tallest a key grows on a tall page: taller, the hand travels for nothing.
const maxKey = 1.5 * kt.MinTouch

func (k keyRows) rows(n int) int {
	if k.span {
		return (n-1+k.cols-1)/k.cols + 1
	}
	return (n + k.cols - 1) / k.cols
}

func (k keyRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for i, o := range objs {
		if k.span && i == len(objs)-1 {
			continue
		}
		w = max(w, o.MinSize().Width)
	}
	rows := k.rows(len(objs))
	return fyne.NewSize(float32(k.cols)*w+float32(k.cols-1)*keyGap, float32(rows)*kt.MinTouch+float32(rows-1)*keyGap)
}

func (k keyRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rows := k.rows(len(objs))
	w := (size.Width - float32(k.cols-1)*keyGap) / float32(k.cols)
	h := min(maxKey, max(kt.MinTouch, (size.Height-float32(rows-1)*keyGap)/float32(rows)))
	// Centred in the height when the keys reach their tallest before filling it.
	top := max(0, (size.Height-float32(rows)*h-float32(rows-1)*keyGap)/2)
	for i, o := range objs {
		if k.span && i == len(objs)-1 {
			o.Resize(fyne.NewSize(size.Width, h))
			o.Move(fyne.NewPos(0, top+float32(rows-1)*(h+keyGap)))
			continue
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(float32(i%k.cols)*(w+keyGap), top+float32(i/k.cols)*(h+keyGap)))
	}
}

// Keyboard lays out keys (each touch-sized) in as few rows as the height allows: three when
// there is room for three touch-sized rows, else two, so that a keyboard of 31 keys fits a
// 720-line output in large text without scrolling and spreads out on a taller one.
func Keyboard(keys ...fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&keyboard{}, keys...)
}

type keyboard struct{}

func (keyboard) shape(n int, height float32) keyRows {
	rows := 2
	if height >= 3*maxKey*0.9+2*keyGap {
		rows = 3
	}
	return keyRows{cols: (n + rows - 1) / rows}
}

func (k keyboard) MinSize(objs []fyne.CanvasObject) fyne.Size {
	// The shape it takes when short: its width is the widest it needs.
	return k.shape(len(objs), 0).MinSize(objs)
}

func (k keyboard) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	k.shape(len(objs), size.Height).Layout(objs, size)
}
