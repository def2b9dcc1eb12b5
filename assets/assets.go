package assets

import (
	"embed"
	"io/fs"
)

//go:embed fonts/NotoSansCJKsc-Regular.otf
var fontRegular []byte

//go:embed fonts/NotoSansCJKsc-Bold.otf
var fontBold []byte

//go:embed fonts/NotoSansMonoCJKsc-Regular.otf
var fontMono []byte

//go:embed translations/*.json icons/*.svg
var files embed.FS

// FontStyle names one of the bundled fonts.
type FontStyle int

const (
	Regular FontStyle = iota // Noto Sans CJK SC Regular: all text, receipts' raster preview
	Bold                     // Noto Sans CJK SC Bold: headings, amounts, buttons
	Mono                     // Noto Sans Mono CJK SC Regular: log lines, codes, the configuration
)

// FontStyles lists every bundled style, for a test that checks them all.
var FontStyles = []FontStyle{Regular, Bold, Mono}

// Font returns the file name and the bytes of the bundled font of style s (an OpenType
// font with CFF outlines and a single face). An unknown style is Regular.
func Font(s FontStyle) (name string, data []byte) {
	switch s {
	case Bold:
		return "NotoSansCJKsc-Bold.otf", fontBold
	case Mono:
		return "NotoSansMonoCJKsc-Regular.otf", fontMono
	}
	return "NotoSansCJKsc-Regular.otf", fontRegular
}

// String names the style, as tests report it.
func (s FontStyle) String() string {
	switch s {
	case Bold:
		return "bold"
	case Mono:
		return "monospace"
	}
	return "regular"
}

// CJKFontName is the file name of the bundled regular font.
const CJKFontName = "NotoSansCJKsc-Regular.otf"

// CJKFont returns the bundled regular font, the one receipts' raster previews use.
func CJKFont() []byte { return fontRegular }

// Translations returns the folder holding the catalogues: <lang>.json and <area>.<lang>.json.
func Translations() fs.FS {
	sub, err := fs.Sub(files, "translations")
	if err != nil {
		panic(err) // the folder is embedded at build time; absent means a broken build
	}
	return sub
}

// Icon returns the named SVG icon from icons/, e.g. Icon("kiosk.svg").
func Icon(name string) ([]byte, error) { return files.ReadFile("icons/" + name) }
