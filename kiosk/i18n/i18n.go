package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Lang is a catalogue's language code.
type Lang string

const (
	ZH Lang = "zh" // Simplified Chinese, the default
	EN Lang = "en"
)

// Langs lists the languages in the order the language switch offers them.
var Langs = []Lang{ZH, EN}

// Locale is the POSIX locale name of the language, for the process environment: libraries
// that read it (Fyne's own texts and font choice) then follow the kiosk's configuration,
// not how the machine was installed (a service often starts with LANG unset or "C").
func (l Lang) Locale() string {
	if l == EN {
		return "en_US.UTF-8"
	}
	return "zh_CN.UTF-8"
}

// Catalog holds every language's texts.
type Catalog struct {
	texts map[Lang]map[string]string
}

// Load reads every language's catalogue from fsys. A language's texts may be split by area:
// <lang>.json holds the common texts and <area>.<lang>.json (maint.zh.json) one area's, so a
// feature's texts sit in one file. A key defined in two files of one language is refused.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{texts: map[Lang]map[string]string{}}
	for _, l := range Langs {
		names, err := fs.Glob(fsys, "*"+string(l)+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		found := false
		for _, name := range names {
			if name != string(l)+".json" && !strings.HasSuffix(name, "."+string(l)+".json") {
				continue // e.g. "zhx.json" is not a zh catalogue
			}
			found = true
			if err := loadFile(fsys, name, m); err != nil {
				return nil, err
			}
		}
		if !found {
			return nil, fmt.Errorf("i18n: no %s.json catalogue", l)
		}
		c.texts[l] = m
	}
	for _, l := range Langs[1:] {
		if missing := diff(c.texts[ZH], c.texts[l]); len(missing) > 0 {
			return nil, fmt.Errorf("i18n: %s catalogues lack %s", l, strings.Join(missing, ", "))
		}
		if extra := diff(c.texts[l], c.texts[ZH]); len(extra) > 0 {
			return nil, fmt.Errorf("i18n: zh catalogues lack %s", strings.Join(extra, ", "))
		}
	}
	return c, nil
}

// loadFile adds the texts of one catalogue file to m.
func loadFile(fsys fs.FS, name string, m map[string]string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("i18n: %w", err)
	}
	var texts map[string]string
	if err := json.Unmarshal(b, &texts); err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	for k, v := range texts {
		if _, dup := m[k]; dup {
			return fmt.Errorf("i18n: %s: %s is defined twice", name, k)
		}
		m[k] = v
	}
	return nil
}

func diff(a, b map[string]string) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.texts[ZH][key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.texts[ZH]))
	for k := range c.texts[ZH] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the text for key in language l with placeholders filled from kv, given as
// name, value pairs: T(ZH, "welcome.hello", "name", "张*"). An unknown language falls back to
// Chinese; an unknown key returns the key itself, which the catalogue test keeps from happening.
func (c *Catalog) T(l Lang, key string, kv ...any) string {
	m, ok := c.texts[l]
	if !ok {
		m = c.texts[ZH]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Translator is a catalogue bound to a language, for code that speaks one language at a time.
type Translator struct {
	C    *Catalog
	Lang Lang
}

// T looks key up in the bound language.
func (t Translator) T(key string, kv ...any) string { return t.C.T(t.Lang, key, kv...) }
