package assets

import (
	"embed"
	"io/fs"
)

//go:embed fonts/DroidSansFallbackFull.ttf
var cjkFont []byte

//go:embed translations/*.json icons/*.svg
var files embed.FS

// CJKFontName is the file name of the bundled CJK font.
const CJKFontName = "DroidSansFallbackFull.ttf"

// CJKFont returns the bundled CJK font file (a single-face TrueType font).
func CJKFont() []byte { return cjkFont }

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
