package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"taxkiosk/assets"
	"taxkiosk/kiosk/i18n"
)

func TestBundledCatalogues(t *testing.T) {
	c, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(i18n.ZH, "welcome.hello", "name", "张*"); got != "您好，张*" {
		t.Fatalf("zh: %q", got)
	}
	if got := c.T(i18n.EN, "welcome.hello", "name", "Z***"); got != "Hello, Z***" {
		t.Fatalf("en: %q", got)
	}
	for _, k := range c.Keys() {
		for _, l := range i18n.Langs {
			if strings.TrimSpace(c.T(l, k)) == "" {
				t.Errorf("%s: %s is empty", l, k)
			}
		}
	}
}

func TestMismatchedCataloguesRefused(t *testing.T) {
	fsys := fstest.MapFS{
		"zh.json": {Data: []byte(`{"a": "甲", "b": "乙"}`)},
		"en.json": {Data: []byte(`{"a": "A"}`)},
	}
	if _, err := i18n.Load(fsys); err == nil || !strings.Contains(err.Error(), "b") {
		t.Fatalf("missing English key accepted: %v", err)
	}
}

// TestEveryKeyInCodeIsTranslated scans the project's Go sources for string literals that look
// like catalogue keys ("printer.paper_out") and fails on any the catalogues lack, so that no
// screen or receipt ever shows a raw key.
func TestEveryKeyInCodeIsTranslated(t *testing.T) {
	c, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	spaces := map[string]bool{}
	for _, k := range c.Keys() {
		spaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	// Literals that look like keys but name something else: file names, and the JSON paths
	// of configuration fields that config.Validate names in its errors.
	notKey := regexp.MustCompile(`\.(svg|png|json|go|ttf)$|^(idcard|printer|scanner)\.(baud|suffix|paper_width_mm|port|receipts_per_roll)$`)
	lit := regexp.MustCompile(`"([a-z]+)\.([a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
	root := filepath.Join("..", "..")
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			if !spaces[m[1]] || strings.HasSuffix(m[0], `."`) || m[2] == "go" || m[2] == "json" {
				continue
			}
			key := m[1] + "." + m[2]
			if notKey.MatchString(key) {
				continue
			}
			checked++
			if !c.Has(key) && !strings.HasSuffix(key, ".") {
				t.Errorf("%s uses %q, which the catalogues lack", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no keys found in the sources: the scan is broken")
	}
}

func TestCataloguesSplitByArea(t *testing.T) {
	fsys := fstest.MapFS{
		"zh.json":       {Data: []byte(`{"a": "甲"}`)},
		"en.json":       {Data: []byte(`{"a": "A"}`)},
		"maint.zh.json": {Data: []byte(`{"maint.b": "乙"}`)},
		"maint.en.json": {Data: []byte(`{"maint.b": "B"}`)},
	}
	c, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(i18n.EN, "maint.b"); got != "B" {
		t.Fatalf("area text: %q", got)
	}
	fsys["maint.zh.json"] = &fstest.MapFile{Data: []byte(`{"maint.b": "乙", "a": "又"}`)}
	fsys["maint.en.json"] = &fstest.MapFile{Data: []byte(`{"maint.b": "B", "a": "again"}`)}
	if _, err := i18n.Load(fsys); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("a key defined in two files accepted: %v", err)
	}
	fsys["maint.zh.json"] = &fstest.MapFile{Data: []byte(`{"maint.b": "乙"}`)}
	delete(fsys, "maint.en.json")
	if _, err := i18n.Load(fsys); err == nil || !strings.Contains(err.Error(), "maint.b") {
		t.Fatalf("an area file missing in English accepted: %v", err)
	}
}
