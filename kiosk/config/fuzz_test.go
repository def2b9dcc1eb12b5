package config

import (
	"path/filepath"
	"testing"
)

// FuzzWith: whatever a technician types, a setting is either refused with a SettingError or
// gives a configuration that validates, saves, loads back equal and reads back as what Get
// says.
func FuzzWith(f *testing.F) {
	f.Fuzz(func(t *testing.T, key, value string) {
		next, err := Default().With(key, value)
		if err != nil {
			if _, ok := err.(*SettingError); !ok {
				t.Fatalf("%q=%q: %T %v", key, value, err, err)
			}
			return
		}
		if err := next.Validate(); err != nil {
			t.Fatalf("%q=%q accepted but invalid: %v", key, value, err)
		}
		path := filepath.Join(t.TempDir(), "kiosk.json")
		if err := next.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatalf("%q=%q saved but does not load: %v", key, value, err)
		}
		want, _ := next.Get(key)
		if got, _ := back.Get(key); got != want {
			t.Fatalf("%q=%q reads back %q after a reload, %q before", key, value, got, want)
		}
		// Setting what Get shows changes nothing: the text form is canonical.
		again, err := next.With(key, want)
		if err != nil {
			t.Fatalf("%q: its own value %q refused: %v", key, want, err)
		}
		if got, _ := again.Get(key); got != want {
			t.Fatalf("%q: %q became %q", key, want, got)
		}
	})
}
