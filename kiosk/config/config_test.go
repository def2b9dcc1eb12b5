package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/jsontime"
)

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "none.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IdleTimeout.Std() != 60*time.Second || c.Language != "zh" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.json")
	c := Default()
	c.KioskID = "WD-07"
	c.IdleTimeout = jsontime.Duration(90 * time.Second)
	c.Printer.PaperWidthMM = 58
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.KioskID != "WD-07" || got.IdleTimeout.Std() != 90*time.Second || got.Printer.PaperWidthMM != 58 {
		t.Fatalf("round trip: %+v", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for field, mutate := range map[string]func(*Config){
		"kiosk_id":               func(c *Config) { c.KioskID = "a:b" },
		"hall_url":               func(c *Config) { c.HallURL = "ftp://x" },
		"language":               func(c *Config) { c.Language = "fr" },
		"idle_timeout":           func(c *Config) { c.IdleTimeout = jsontime.Duration(time.Second) },
		"printer.paper_width_mm": func(c *Config) { c.Printer.PaperWidthMM = 76 },
		"idcard.baud":            func(c *Config) { c.IDCard.Baud = 1234 },
		"scanner.suffix":         func(c *Config) { c.Scanner.Suffix = "\t" },
	} {
		c := Default()
		mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestUnknownFieldRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.json")
	os.WriteFile(path, []byte(`{"kiosk_idd": "x"}`), 0o600)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "kiosk_idd") {
		t.Fatalf("typo accepted: %v", err)
	}
}

// The security review: the default pointed at a clear-text hall, and `kioskctl config set
// hall_url http://…` was accepted, so names and ID numbers went over the wire in clear.
func TestClearTextHallRefused(t *testing.T) {
	if u := Default().HallURL; !strings.HasPrefix(u, "https://") {
		t.Fatalf("default hall %q is not https", u)
	}
	for _, u := range []string{
		"http://10.1.2.3:8600", "http://hall.example:8600", "http://[2001:db8::1]:8600",
		"http://127.0.0.1.nip.io:8600", "http://localhost.example:8600", "http://0.0.0.0:8600",
		"ftp://127.0.0.1", "https://", "https://user:pw@hall:8600", "https://hall:8600/?x=1", "hall:8600",
	} {
		c := Default()
		c.HallURL = u
		err := c.Validate()
		if !errors.Is(err, ErrClearHall) || !strings.Contains(err.Error(), "hall_url") {
			t.Errorf("%s: Validate = %v, want ErrClearHall naming hall_url", u, err)
		}
		if _, err := Default().With("hall_url", u); !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), "https://") {
			t.Errorf("%s: With = %v, want a refusal that says https://", u, err)
		}
	}
	for _, u := range []string{"https://10.1.2.3:8600", "https://hall.example", "http://127.0.0.1:8600",
		"http://127.1.2.3:8600", "http://[::1]:8600", "http://localhost:8600", "http://LOCALHOST"} {
		if _, err := Default().With("hall_url", u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}
