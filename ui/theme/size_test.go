package theme_test

import (
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	kt "taxkiosk/ui/theme"
)

// TestLargeTextIsLarge checks that large-text mode makes every text size at least 1.5 times
// its normal size, and leaves the rest (paddings, radii) alone: the screens must still fit.
func TestLargeTextIsLarge(t *testing.T) {
	th := kt.New()
	texts := []fyne.ThemeSizeName{fynetheme.SizeNameText, fynetheme.SizeNameHeadingText,
		fynetheme.SizeNameSubHeadingText, fynetheme.SizeNameCaptionText, fynetheme.SizeNameInlineIcon}
	normal := map[fyne.ThemeSizeName]float32{}
	for _, n := range texts {
		normal[n] = th.Size(n)
	}
	padding := th.Size(fynetheme.SizeNamePadding)
	th.SetLargeText(true)
	for _, n := range texts {
		if got := th.Size(n); got < 1.5*normal[n] {
			t.Errorf("%s: %v in large-text mode, %v normally: want at least 1.5×", n, got, normal[n])
		}
	}
	if got := th.Size(fynetheme.SizeNamePadding); got != padding {
		t.Errorf("padding %v in large-text mode, %v normally", got, padding)
	}
	th.SetLargeText(false)
	for _, n := range texts {
		if got := th.Size(n); got != normal[n] {
			t.Errorf("%s: %v after large-text mode, %v before", n, got, normal[n])
		}
	}
}
