package theme

import (
	"image/color"
	"sync/atomic"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"taxkiosk/assets"
)

// MinTouch is the smallest side of anything a taxpayer taps, in Fyne units (1 unit = 1 px at
// scale 1).
const MinTouch float32 = 64

// Colours of the kiosk, named by what they mean. Every text colour meets WCAG 2.1 AA (4.5:1)
// on the background it is drawn on: contrast_test.go computes each pair from the theme.
var (
	Brand   = color.NRGBA{R: 0x1d, G: 0x4e, B: 0x89, A: 0xff} // tax-blue: headers, primary buttons
	Paper   = color.NRGBA{R: 0xf5, G: 0xf8, B: 0xfc, A: 0xff} // background
	Ink     = color.NRGBA{R: 0x1a, G: 0x1a, B: 0x1a, A: 0xff} // text
	Muted   = color.NRGBA{R: 0x5f, G: 0x6b, B: 0x7a, A: 0xff} // secondary text
	Danger  = color.NRGBA{R: 0xc8, G: 0x10, B: 0x2e, A: 0xff} // errors, offline
	Warning = color.NRGBA{R: 0x9a, G: 0x5c, B: 0x00, A: 0xff} // degraded: queued, near end
	Hint    = color.NRGBA{R: 0x66, G: 0x66, B: 0x66, A: 0xff} // hints, placeholders, disabled text
	Success = color.NRGBA{R: 0x1e, G: 0x7b, B: 0x3a, A: 0xff} // delivered, online
)

// ColorNameOnBrandAlert is the colour of a warning drawn on the brand colour (the top bar's
// "offline"): Warning is too dark there.
const ColorNameOnBrandAlert fyne.ThemeColorName = "kiosk.onBrandAlert"

// ColorNameMuted is the colour of a disabled tile's words (Muted).
const ColorNameMuted fyne.ThemeColorName = "kiosk.muted"

// Theme is the kiosk theme. Its zero value is not usable; use New.
type Theme struct {
	regular fyne.Resource
	bold    fyne.Resource
	mono    fyne.Resource
	large   atomic.Bool
	compact bool
}

// New returns the kiosk theme with the bundled fonts.
func New() *Theme {
	return &Theme{regular: font(assets.Regular), bold: font(assets.Bold), mono: font(assets.Mono)}
}

func font(s assets.FontStyle) fyne.Resource { return fyne.NewStaticResource(assets.Font(s)) }

// NewCompact returns the kiosk theme at desktop sizes, for the demo's control panel, which
// a developer uses with a mouse beside the kiosk window.
func NewCompact() *Theme {
	t := New()
	t.compact = true
	return t
}

// LargeScale is how much larger every text is in large-text mode: body, headings,
// captions, and so the tiles, buttons and keys drawn from them. Below 1.5 a taxpayer who
// asked for large text barely sees a change (issue 12 measured ~1.2× at 1.3 on the tiles).
const LargeScale float32 = 1.5

// SetLargeText switches large-text mode; callers refresh the app afterwards.
func (t *Theme) SetLargeText(on bool) { t.large.Store(on) }

// LargeText reports whether large-text mode is on.
func (t *Theme) LargeText() bool { return t.large.Load() }

// Font returns a bundled font for every style: monospace text (log lines, the configuration)
// holds Chinese as often as any other, so it too comes from a CJK face. There is no italic;
// symbols are drawn from the regular face first, then Fyne's own symbol font. A rune none of
// them has would fall back to the machine's fonts: assets' coverage test keeps that from
// happening.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace:
		return t.mono
	case s.Bold:
		return t.bold
	}
	return t.regular
}

func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case fynetheme.ColorNameBackground:
		return Paper
	case fynetheme.ColorNameForeground:
		return Ink
	case fynetheme.ColorNamePrimary, fynetheme.ColorNameFocus, fynetheme.ColorNameHyperlink:
		return Brand
	case fynetheme.ColorNameForegroundOnPrimary:
		return color.White
	case ColorNameMuted:
		return Muted
	case ColorNameOnBrandAlert:
		return color.NRGBA{R: 0xff, G: 0xd5, B: 0x4f, A: 0xff}
	case fynetheme.ColorNameButton:
		return color.NRGBA{R: 0xe3, G: 0xeb, B: 0xf5, A: 0xff}
	case fynetheme.ColorNameDisabledButton:
		return color.NRGBA{R: 0xe6, G: 0xe6, B: 0xe6, A: 0xff}
	case fynetheme.ColorNameDisabled, fynetheme.ColorNamePlaceHolder:
		return Hint
	case fynetheme.ColorNameError:
		return Danger
	case fynetheme.ColorNameWarning:
		return Warning
	case fynetheme.ColorNameSuccess:
		return Success
	case fynetheme.ColorNameHeaderBackground, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground:
		return color.White
	case fynetheme.ColorNameInputBackground:
		return color.White
	case fynetheme.ColorNameSeparator:
		return color.NRGBA{R: 0xd0, G: 0xd7, B: 0xe1, A: 0xff}
	case fynetheme.ColorNameShadow:
		return color.NRGBA{A: 0x33}
	}
	return fynetheme.DefaultTheme().Color(n, fynetheme.VariantLight)
}

func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return fynetheme.DefaultTheme().Icon(n) }

func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	if t.compact {
		return fynetheme.DefaultTheme().Size(n)
	}
	k := float32(1)
	if t.large.Load() {
		k = LargeScale
	}
	switch n {
	case fynetheme.SizeNameText:
		return 24 * k
	case fynetheme.SizeNameHeadingText:
		return 40 * k
	case fynetheme.SizeNameSubHeadingText:
		return 30 * k
	case fynetheme.SizeNameCaptionText:
		return 18 * k
	case fynetheme.SizeNameInlineIcon:
		return 28 * k
	case fynetheme.SizeNamePadding:
		return 8
	case fynetheme.SizeNameInnerPadding:
		return 16
	case fynetheme.SizeNameInputRadius, fynetheme.SizeNameSelectionRadius:
		return 8
	case fynetheme.SizeNameSeparatorThickness:
		return 2
	}
	return fynetheme.DefaultTheme().Size(n)
}
