package theme_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/go-text/typesetting/font"

	"taxkiosk/assets"
)

// TestFontsCoverEveryText fails when any text the kiosk can show or print (every catalogue
// string, and every string literal in the module's code: persona names, the hall's name, the
// demo registry, sample codes) holds a rune that one of the bundled fonts lacks. Such a rune
// would be drawn from a system font, which a kiosk image may not have: a box on the screen.
func TestFontsCoverEveryText(t *testing.T) {
	texts := map[rune]string{} // rune → one place it occurs
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "testdata" || name == "bin" || name == "dist" {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			return goStrings(path, texts)
		case strings.HasSuffix(path, ".json") && strings.Contains(filepath.ToSlash(path), "assets/translations/"):
			return catalogueStrings(path, texts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := texts['税']; !ok {
		t.Fatalf("found no Chinese text under %s: the walk is broken", root)
	}
	for _, style := range assets.FontStyles {
		name, data := assets.Font(style)
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s font %s: %v", style, name, err)
		}
		var missing []string
		for r, where := range texts {
			if _, ok := face.NominalGlyph(r); !ok {
				missing = append(missing, fmt.Sprintf("%U %q in %s", r, r, where))
			}
		}
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("%s font %s lacks %s", style, name, m)
		}
	}
	t.Logf("%d distinct runes checked in %d fonts", len(texts), len(assets.FontStyles))
}

// shown tells whether r is drawn as a glyph (spaces, controls and format characters such as
// the byte-order mark that opens the duty log CSV for spreadsheets are not).
func shown(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) && r != unicode.ReplacementChar
}

func add(texts map[rune]string, s, where string) {
	for _, r := range s {
		if _, seen := texts[r]; !seen && shown(r) {
			texts[r] = where
		}
	}
}

// goStrings adds the runes of every string and character literal in a Go file.
func goStrings(path string, texts map[rune]string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return nil
		}
		if tok != token.STRING && tok != token.CHAR {
			continue
		}
		v, err := strconv.Unquote(lit)
		if err != nil {
			continue // a character literal such as '\'' unquotes as a rune; nothing to draw
		}
		add(texts, v, fset.Position(pos).String())
	}
}

// catalogueStrings adds the runes of every text in a translation catalogue.
func catalogueStrings(path string, texts map[rune]string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cat map[string]string
	if err := json.Unmarshal(b, &cat); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for k, v := range cat {
		add(texts, v, path+": "+k)
	}
	return nil
}
