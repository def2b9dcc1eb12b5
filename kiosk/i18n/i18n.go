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

// Catalog holds every language's texts.
type Catalog struct {
	texts map[Lang]map[string]string
}

// Load reads <lang>.json for every language in Langs from fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{texts: map[Lang]map[string]string{}}
	for _, l := range Langs {
		b, err := fs.ReadFile(fsys, string(l)+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s.json: %w", l, err)
		}
		c.texts[l] = m
	}
	for _, l := range Langs[1:] {
		if missing := diff(c.texts[ZH], c.texts[l]); len(missing) > 0 {
			return nil, fmt.Errorf("i18n: %s.json lacks %s", l, strings.Join(missing, ", "))
		}
		if extra := diff(c.texts[l], c.texts[ZH]); len(extra) > 0 {
			return nil, fmt.Errorf("i18n: zh.json lacks %s", strings.Join(extra, ", "))
		}
	}
	return c, nil
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
