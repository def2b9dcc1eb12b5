package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/i18n"
	kt "taxkiosk/ui/theme"
)

// Face is one window's words and buttons. The zero value is not usable: use NewFace.
type Face struct {
	cat     *i18n.Catalog
	theme   *kt.Theme
	lang    i18n.Lang
	touch   func()
	buttons map[string]*widget.Button
	nav     map[fyne.CanvasObject]string // the bottom bar's buttons made by NavButton, to their keys
}

// NewFace draws with cat in lang and th; touch runs before every button's action (the
// kiosk keeps the session alive on it), nil does nothing.
func NewFace(cat *i18n.Catalog, th *kt.Theme, lang i18n.Lang, touch func()) *Face {
	if touch == nil {
		touch = func() {}
	}
	return &Face{cat: cat, theme: th, lang: lang, touch: touch, buttons: map[string]*widget.Button{}, nav: map[fyne.CanvasObject]string{}}
}

// Lang is the language on show.
func (f *Face) Lang() i18n.Lang { return f.lang }

// SetLang changes the language of what is drawn from now on.
func (f *Face) SetLang(l i18n.Lang) { f.lang = l }

// Cat is the catalogue.
func (f *Face) Cat() *i18n.Catalog { return f.cat }

// Theme is the theme, for its sizes and the large-text switch.
func (f *Face) Theme() *kt.Theme { return f.theme }

// T translates key into the language on show.
func (f *Face) T(key string, kv ...any) string { return f.cat.T(f.lang, key, kv...) }

// TextOr translates key when the catalogue has it, and shows raw otherwise: names that come
// from configuration or devices (an indicator's name, a counter) may have no entry.
func (f *Face) TextOr(key, raw string) string {
	if f.cat.Has(key) {
		return f.T(key)
	}
	return raw
}

// Clear forgets the buttons of the page before: a new page is being built.
func (f *Face) Clear() {
	f.buttons = map[string]*widget.Button{}
	f.nav = map[fyne.CanvasObject]string{}
}

// Button returns the button registered under key on the page on show, or nil.
func (f *Face) Button(key string) *widget.Button { return f.buttons[key] }

// Keys are the keys of the buttons on the page on show, for tests that walk them.
func (f *Face) Keys() []string {
	keys := make([]string, 0, len(f.buttons))
	for k := range f.buttons {
		keys = append(keys, k)
	}
	return keys
}

// Register makes b reachable under key, for a button whose label is not a translation.
func (f *Face) Register(key string, b *widget.Button) { f.buttons[key] = b }

// Tap wraps a button's action: every touch is reported first.
func (f *Face) Tap(do func()) func() {
	return func() {
		f.touch()
		do()
	}
}

// NewButton is a button labelled with key's translation and registered under key.
func (f *Face) NewButton(key string, imp widget.Importance, do func()) *widget.Button {
	b := widget.NewButton(f.T(key), f.Tap(do))
	b.Importance = imp
	f.buttons[key] = b
	return b
}

// NavButton is a Back, Home or Finish button at least MinTouch high and 200 wide.
func (f *Face) NavButton(key string, do func()) fyne.CanvasObject {
	o := TouchSized(f.NewButton(key, widget.MediumImportance, do), 200)
	f.nav[o] = key
	return o
}

// GoesLeft says whether the bottom bar puts o on its left. The one layout rule of every
// page: the bottom left holds only the buttons that go back (返回, 首页, 取消, the menu),
// never one that ends a visit or goes on; 结束办理, 跳过 and every forward step sit at the
// bottom right. Two quick taps on 首页 then land on nothing on the service menu, instead of
// on 结束办理.
func (f *Face) GoesLeft(o fyne.CanvasObject) bool { return GoesBack(f.nav[o]) }

// GoesBack says whether key names a button that only goes back.
func GoesBack(key string) bool {
	switch key {
	case "common.back", "common.home", "common.cancel", "maint.menu":
		return true
	}
	return false
}

// Heading is a page's title, bold, centred, wrapped.
func (f *Face) Heading(text string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = "headingText"
	l.Wrapping = fyne.TextWrapWord
	return l
}

// Wrapping is how text wraps in the language on show: at spaces, except in Chinese,
// which has none to break at.
func (f *Face) Wrapping() fyne.TextWrap {
	if f.lang == "zh" {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}

// Title is a keypad page's title: a heading a size down (sub-heading), bold, centred,
// wrapped, so that the pad under it keeps its height in large text on a short output.
func (f *Face) Title(text string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// Para is a centred paragraph that wraps, coloured by its importance.
func (f *Face) Para(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// Tile is a large service button: a title and a line of description on the primary colour.
func (f *Face) Tile(titleKey, descKey string, enabled bool, do func()) fyne.CanvasObject {
	return f.tile(titleKey, f.T(titleKey), f.T(descKey), enabled, do)
}

// TileText is a tile of a list with one tile a row, its texts given (an enterprise's name
// and credit code are data), registered under key. In large text it grows wider with the
// text: a name or a credit code wrapped inside the tile broke mid-word (Chinese wraps
// anywhere), 建国五金 / 商行 and 91410403MA44JG / 2K1R.
func (f *Face) TileText(key, title, desc string, do func()) fyne.CanvasObject {
	t := f.tile(key, title, desc, true, do)
	if f.theme.LargeText() {
		t.Objects[0].(*canvas.Rectangle).SetMinSize(fyne.NewSize(TileWidth*kt.LargeScale, TileHeight))
	}
	return t
}

func (f *Face) tile(key, titleText, descText string, enabled bool, do func()) *fyne.Container {
	b := f.NewButton(key, widget.HighImportance, do)
	b.SetText("")
	ink := fyne.ThemeColorName(theme.ColorNameForegroundOnPrimary)
	if !enabled {
		b.Disable()
		ink = kt.ColorNameMuted
	}
	// Title and description wrap inside the tile, which grows taller instead of wider: in
	// English and large text a line of its own drew a subtitle into the next tile.
	text := widget.NewRichText(
		&widget.TextSegment{Text: titleText, Style: widget.RichTextStyle{Alignment: fyne.TextAlignCenter, ColorName: ink,
			SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: descText, Style: widget.RichTextStyle{Alignment: fyne.TextAlignCenter, ColorName: ink,
			SizeName: theme.SizeNameText}})
	text.Wrapping = f.Wrapping()
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(TileWidth, TileHeight))
	return container.NewStack(r, b, container.NewVBox(layout.NewSpacer(), text, layout.NewSpacer()))
}

// WrapButton is a button, registered under key, whose text wraps inside it instead of
// making it wider than the screen: a long line (an item to pay with its period, amount and
// due date; a rating in English) in large text. The button is returned to be disabled, or
// given its importance or alignment, before Draw draws its text.
func (f *Face) WrapButton(key string, imp widget.Importance, do func()) *widget.Button {
	b := f.NewButton(key, imp, do)
	b.SetText("")
	return b
}

// Draw puts text and icon (nil for none) on a button made by WrapButton, as its state
// and importance stand now, in the colour Fyne would give the button's own label.
func (f *Face) Draw(b *widget.Button, text string, icon fyne.Resource) fyne.CanvasObject {
	ink := fyne.ThemeColorName(theme.ColorNameForeground)
	switch {
	case b.Disabled():
		ink = theme.ColorNameDisabled
	case b.Importance == widget.HighImportance:
		ink = theme.ColorNameForegroundOnPrimary
	case b.Importance == widget.WarningImportance:
		ink = theme.ColorNameForegroundOnWarning
	case b.Importance == widget.DangerImportance:
		ink = theme.ColorNameForegroundOnError
	case b.Importance == widget.SuccessImportance:
		ink = theme.ColorNameForegroundOnSuccess
	}
	align := fyne.TextAlignCenter
	if b.Alignment == widget.ButtonAlignLeading {
		align = fyne.TextAlignLeading
	}
	label := widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyle{Alignment: align, ColorName: ink, SizeName: theme.SizeNameText}})
	label.Wrapping = f.Wrapping()
	var left fyne.CanvasObject
	if icon != nil {
		img := widget.NewIcon(icon)
		left = container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(f.theme.Size(theme.SizeNameInlineIcon)), img))
	}
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, kt.MinTouch))
	return container.NewStack(r, b, container.NewBorder(nil, nil, left, nil, container.NewVBox(layout.NewSpacer(), label, layout.NewSpacer())))
}
