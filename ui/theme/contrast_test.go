package theme_test

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"

	kt "taxkiosk/ui/theme"
)

// luminance is WCAG 2.1's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).(color.NRGBA).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2.1's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	// WCAG's own end points: black on white is 21:1, a colour on itself 1:1.
	if c := contrast(color.Black, color.White); math.Abs(c-21) > 0.01 {
		t.Fatalf("black on white %.2f, want 21", c)
	}
	// The figure the review measured: #8A8A8A on #F5F8FC is about 3.2:1.
	if c := contrast(color.NRGBA{0x8a, 0x8a, 0x8a, 0xff}, kt.Paper); math.Abs(c-3.2) > 0.1 {
		t.Fatalf("#8A8A8A on the paper %.2f, want about 3.2", c)
	}
}

// TestTextContrast checks every pair of text and background colour the kiosk draws against
// WCAG 2.1 AA's 4.5:1 for normal text, read from the theme as Fyne reads it: hints and
// low-importance labels (disabled), placeholders, each importance's text, and the text on
// each coloured button, in both text sizes.
func TestTextContrast(t *testing.T) {
	test.NewTempApp(t) // colours the kiosk leaves to Fyne's default theme need an app
	th := kt.New()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, fynetheme.VariantLight) }
	for _, p := range []struct {
		name     string
		text, bg color.Color
	}{
		{"text on the paper", c(fynetheme.ColorNameForeground), c(fynetheme.ColorNameBackground)},
		{"hints and low-importance text on the paper", c(fynetheme.ColorNameDisabled), c(fynetheme.ColorNameBackground)},
		{"disabled button text", c(fynetheme.ColorNameDisabled), c(fynetheme.ColorNameDisabledButton)},
		{"placeholder in an entry", c(fynetheme.ColorNamePlaceHolder), c(fynetheme.ColorNameInputBackground)},
		{"text in an entry", c(fynetheme.ColorNameForeground), c(fynetheme.ColorNameInputBackground)},
		{"text on a button", c(fynetheme.ColorNameForeground), c(fynetheme.ColorNameButton)},
		{"primary (links, headings) on the paper", c(fynetheme.ColorNamePrimary), c(fynetheme.ColorNameBackground)},
		{"errors on the paper", c(fynetheme.ColorNameError), c(fynetheme.ColorNameBackground)},
		{"warnings on the paper", c(fynetheme.ColorNameWarning), c(fynetheme.ColorNameBackground)},
		{"success on the paper", c(fynetheme.ColorNameSuccess), c(fynetheme.ColorNameBackground)},
		{"secondary text on the paper", kt.Muted, kt.Paper},
		{"text on a primary button", c(fynetheme.ColorNameForegroundOnPrimary), c(fynetheme.ColorNamePrimary)},
		{"text on a warning button (help)", c(fynetheme.ColorNameForegroundOnWarning), c(fynetheme.ColorNameWarning)},
		{"text on a danger button", c(fynetheme.ColorNameForegroundOnError), c(fynetheme.ColorNameError)},
		{"text on a success button", c(fynetheme.ColorNameForegroundOnSuccess), c(fynetheme.ColorNameSuccess)},
		{"the top bar's text", kt.Paper, kt.Brand},
	} {
		if r := contrast(p.text, p.bg); r < 4.5 {
			t.Errorf("%s: %.2f:1, below 4.5:1", p.name, r)
		}
	}
}
