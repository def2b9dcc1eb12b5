package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/policy"
)

// TestValidateEveryRule breaks one rule at a time and expects the error to name the field.
func TestValidateEveryRule(t *testing.T) {
	for _, c := range []struct {
		field  string
		mutate func(*Config)
	}{
		{"kiosk_id", func(c *Config) { c.KioskID = "" }},
		{"kiosk_id", func(c *Config) { c.KioskID = "WD 01" }},
		{"kiosk_id", func(c *Config) { c.KioskID = strings.Repeat("K", 33) }},
		{"hall_name", func(c *Config) { c.HallName = " " }},
		{"hall_name", func(c *Config) { c.HallName = strings.Repeat("厅", 65) }},
		{"hall_url", func(c *Config) { c.HallURL = "ftp://hall" }},
		{"hall_url", func(c *Config) { c.HallURL = "http://" }},
		{"hall_url", func(c *Config) { c.HallURL = "http://user:pw@hall:8600" }},
		{"hall_url", func(c *Config) { c.HallURL = "https://hall:8600/?x=1" }},
		{"hall_url", func(c *Config) { c.HallURL = "hall:8600" }},
		{"data_dir", func(c *Config) { c.DataDir = "" }},
		{"language", func(c *Config) { c.Language = "fr" }},
		{"idle_timeout", func(c *Config) { c.IdleTimeout = jsontime.Duration(14 * time.Second) }},
		{"idle_timeout", func(c *Config) { c.IdleTimeout = jsontime.Duration(11 * time.Minute) }},
		{"sync_wait", func(c *Config) { c.SyncWait = jsontime.Duration(-time.Second) }},
		{"sync_wait", func(c *Config) { c.SyncWait = jsontime.Duration(31 * time.Second) }},
		{"printer.paper_width_mm", func(c *Config) { c.Printer.PaperWidthMM = 76 }},
		{"printer.receipts_per_roll", func(c *Config) { c.Printer.ReceiptsPerRoll = 19 }},
		{"printer.receipts_per_roll", func(c *Config) { c.Printer.ReceiptsPerRoll = 5001 }},
		{"purge_after_days", func(c *Config) { c.PurgeAfterDays = 0 }},
		{"purge_after_days", func(c *Config) { c.PurgeAfterDays = 3651 }},
		{"technician_pins", func(c *Config) { c.TechnicianPINs = []string{"246810"} }},
		{"offline_policy", func(c *Config) {
			c.OfflinePolicy = policy.Policy{Default: policy.Rule{Mode: "sometimes"}}
		}},
		{"idcard.baud", func(c *Config) { c.IDCard.Baud = 1234 }},
		{"printer.baud", func(c *Config) { c.Printer.Baud = 4800 }},
		{"scanner.baud", func(c *Config) { c.Scanner.Baud = 230400 }},
		{"idcard.port", func(c *Config) { c.IDCard.Port = "ttyUSB0" }},
		{"printer.port", func(c *Config) { c.Printer.Port = "/dev/../dev/ttyUSB1" }},
		{"scanner.port", func(c *Config) { c.Scanner.Port = c.Printer.Port }},
		{"scanner.suffix", func(c *Config) { c.Scanner.Suffix = "\t" }},
		{"gpio.door", func(c *Config) { c.GPIO.Presence, c.GPIO.Door = "GPIO17", "GPIO17" }},
		{"gpio.help_button", func(c *Config) { c.GPIO.HelpButton = "GPIO 5" }},
		{"gpio.tower_light", func(c *Config) { c.GPIO.TowerLight = "/sys/class/gpio/gpio5" }},
	} {
		cfg := Default()
		c.mutate(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), "config: "+c.field+":") {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}

func TestSettingsListEveryKey(t *testing.T) {
	ss := Settings(Default(), nil)
	keys := Keys()
	if len(ss) != len(keys) {
		t.Fatalf("%d settings for %d keys", len(ss), len(keys))
	}
	want := map[string]string{
		"idle_timeout": "1m0s", "printer.baud": "115200", "scanner.suffix": "", "idcard.port": "/dev/ttyUSB0",
		"offline_policy.services.vat_return.mode":               "offline_limited",
		"offline_policy.services.vat_return.max_offline_amount": "50000.00",
		"offline_policy.services.tax_payment.max_offline_age":   "0s",
		"language": "zh", "purge_after_days": "30", "printer.receipts_per_roll": "400",
	}
	for _, s := range ss {
		if !s.Restart {
			t.Errorf("%s: not Restart with nothing applied live", s.Key)
		}
		if w, ok := want[s.Key]; ok && s.Value != w {
			t.Errorf("%s = %q, want %q", s.Key, s.Value, w)
		}
		delete(want, s.Key)
	}
	if len(want) > 0 {
		t.Errorf("missing settings: %v", want)
	}
	live := Settings(Default(), func(k string) bool { return k == "idle_timeout" })
	for _, s := range live {
		if s.Restart == (s.Key == "idle_timeout") {
			t.Errorf("%s restart=%v", s.Key, s.Restart)
		}
	}
}

func TestWith(t *testing.T) {
	c := Default()
	for _, ok := range []struct{ key, value, want string }{
		{"idle_timeout", "90s", "1m30s"},
		{"printer.baud", " 9600 ", "9600"},
		{"scanner.suffix", "CRLF", "CRLF"},
		{"scanner.suffix", `\n`, "LF"},
		{"scanner.suffix", "", ""},
		{"hall_url", "https://10.1.2.3:8600", "https://10.1.2.3:8600"},
		{"gpio.door", "GPIO27", "GPIO27"},
		{"printer.paper_width_mm", "58", "58"},
		{"offline_policy.services.tax_payment.mode", "offline_ok", "offline_ok"},
		{"offline_policy.services.vat_return.max_offline_amount", "1000", "1000.00"},
		{"offline_policy.services.vat_return.max_offline_amount", "", ""},
		{"offline_policy.services.vat_return.max_offline_age", "24h", "24h0m0s"},
		{"offline_policy.services.invoice_collection.max_queued", "5", "5"},
	} {
		next, err := c.With(ok.key, ok.value)
		if err != nil {
			t.Errorf("%s=%q: %v", ok.key, ok.value, err)
			continue
		}
		if got, _ := next.Get(ok.key); got != ok.want {
			t.Errorf("%s=%q reads back %q, want %q", ok.key, ok.value, got, ok.want)
		}
	}
	// With works on a copy: the policy map of the original is untouched.
	if _, err := c.With("offline_policy.services.vat_return.max_queued", "7"); err != nil {
		t.Fatal(err)
	}
	if c.OfflinePolicy.Services["vat_return"].MaxQueued != 200 {
		t.Fatal("With changed the original's policy")
	}
	// Leaving offline_limited drops the limits, which only it may have.
	next, err := c.With("offline_policy.services.vat_return.mode", "online_only")
	if err != nil {
		t.Fatal(err)
	}
	if r := next.OfflinePolicy.Services["vat_return"]; r.MaxQueued != 0 || r.MaxAge != 0 || r.MaxAmount != nil {
		t.Fatalf("limits kept: %+v", r)
	}
	if _, err := next.With("offline_policy.services.vat_return.mode", "offline_limited"); !errors.Is(err, ErrBadValue) {
		t.Fatalf("offline_limited without limits: %v", err)
	}

	for _, bad := range []struct{ key, value string }{
		{"idle_timeout", "soon"},
		{"idle_timeout", "5s"},
		{"printer.baud", "fast"},
		{"printer.baud", "4800"},
		{"printer.paper_width_mm", "76"},
		{"scanner.suffix", "TAB"},
		{"hall_url", "hall.local"},
		{"idcard.port", "COM1"},
		{"language", "fr"},
		{"offline_policy.services.vat_return.max_offline_amount", "lots"},
		{"offline_policy.services.vat_return.max_offline_amount", "-5"},
		{"offline_policy.services.vat_return.max_offline_age", "3 days"},
		{"offline_policy.services.vat_return.max_queued", "-1"},
		{"offline_policy.services.vat_return.mode", "maybe"},
	} {
		_, err := c.With(bad.key, bad.value)
		var se *SettingError
		if !errors.As(err, &se) || !errors.Is(err, ErrBadValue) || se.MessageKey != KeyBadValue || se.Key != bad.key || se.Detail == "" {
			t.Errorf("%s=%q: %v", bad.key, bad.value, err)
		}
	}
	for _, key := range []string{"technician_pins", "data_dir", "key_file", "nonsense", ""} {
		_, err := c.With(key, "x")
		var se *SettingError
		if !errors.As(err, &se) || !errors.Is(err, ErrUnknownKey) || se.MessageKey != KeyUnknownKey {
			t.Errorf("%q: %v", key, err)
		}
		if _, err := c.Get(key); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Get %q: %v", key, err)
		}
	}
	if a := money.Yuan(50000); c.OfflinePolicy.Services["vat_return"].MaxAmount == nil || *c.OfflinePolicy.Services["vat_return"].MaxAmount != a {
		t.Fatal("defaults changed")
	}
}

// TestEdit changes the file, not a running copy: what is not in the file stays out of it.
func TestEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.json")
	logPath := filepath.Join(dir, "config-changes.jsonl")
	os.WriteFile(path, []byte(`{"kiosk_id": "WD-03", "data_dir": "`+dir+`"}`), 0o644)
	at := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	c, ch, err := Edit(path, logPath, "idle_timeout", "2m", "screen", at)
	if err != nil {
		t.Fatal(err)
	}
	if c.IdleTimeout.Std() != 2*time.Minute || ch.Old != "1m0s" || ch.New != "2m0s" || ch.By != "screen" || !ch.At.Equal(at) {
		t.Fatalf("edit: %+v %+v", c.IdleTimeout, ch)
	}
	if _, _, err := Edit(path, logPath, "printer.baud", "9600", "kioskctl", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.KioskID != "WD-03" || back.IdleTimeout.Std() != 2*time.Minute || back.Printer.Baud != 9600 {
		t.Fatalf("file after edits: %+v", back)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %v after save, want 0600", fi.Mode().Perm())
	}
	// A refused value changes nothing: neither the file nor the log.
	before, _ := os.ReadFile(path)
	if _, _, err := Edit(path, logPath, "printer.baud", "1234", "screen", at); !errors.Is(err, ErrBadValue) {
		t.Fatalf("bad baud: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a refused change rewrote the file")
	}
	log, err := ReadChanges(logPath)
	if err != nil || len(log) != 2 || log[0].Key != "idle_timeout" || log[1].Key != "printer.baud" || log[1].Old != "115200" || log[1].By != "kioskctl" {
		t.Fatalf("change log %+v %v", log, err)
	}
	if fi, _ := os.Stat(logPath); fi.Mode().Perm() != 0o600 {
		t.Fatalf("change log mode %v, want 0600", fi.Mode().Perm())
	}
	// No temporary file is left beside the configuration.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".kiosk.json") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestSaveAtomic: a save whose last step fails (the rename, here over a directory in the
// file's place) leaves what was there and no temporary file; an invalid configuration is never
// written at all.
func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.json")
	os.MkdirAll(filepath.Join(path, "keep"), 0o700)
	if err := Default().Save(path); !errors.Is(err, ErrStorage) {
		t.Fatalf("save over a directory: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(path, "keep")); err != nil || !fi.IsDir() {
		t.Fatal("what was in the file's place is gone")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}

	path = filepath.Join(dir, "other.json")
	c := Default()
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	c.Language = "fr"
	if err := c.Save(path); err == nil {
		t.Fatal("invalid configuration saved")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("an invalid save changed the file")
	}
}

// TestSaveReplacesWholeFile: the file is replaced by rename, never rewritten in place, so a
// reader holding the old file still reads it whole.
func TestSaveReplacesWholeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.json")
	c := Default()
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldInfo, _ := old.Stat()
	c.HallName = "另一个办税服务厅"
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	newInfo, _ := os.Stat(path)
	if os.SameFile(oldInfo, newInfo) {
		t.Fatal("saved in place")
	}
	b := make([]byte, oldInfo.Size())
	if _, err := old.ReadAt(b, 0); err != nil || !strings.Contains(string(b), Default().HallName) {
		t.Fatalf("old file: %v", err)
	}
}

func TestReadChangesSkipsATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config-changes.jsonl")
	os.WriteFile(path, []byte(`{"at":"2026-12-01T07:00:00Z","key":"idle_timeout","old":"1m0s","new":"2m0s","by":"screen"}`+"\n"+`{"at":"2026-12-01T07:0`), 0o600)
	log, err := ReadChanges(path)
	if err != nil || len(log) != 1 || log[0].New != "2m0s" {
		t.Fatalf("%+v %v", log, err)
	}
	if log, err := ReadChanges(filepath.Join(t.TempDir(), "none")); err != nil || log != nil {
		t.Fatalf("missing log: %+v %v", log, err)
	}
}

// TestRefusalSaysTheRule: a refused value names the rule it broke, with the range or the
// choices, for the screen to word; and every rule has its text in the catalogue.
func TestRefusalSaysTheRule(t *testing.T) {
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	c := Default()
	for _, tc := range []struct {
		key, value, rule string
		args             []any
	}{
		{"idle_timeout", "5s", "maint.config.rule.between", []any{"lo", "15s", "hi", "10m"}},
		{"idle_timeout", "soon", "maint.config.rule.type.duration", nil},
		{"printer.baud", "1234", "maint.config.rule.one_of", []any{"choices", "9600 / 19200 / 38400 / 57600 / 115200"}},
		{"printer.receipts_per_roll", "10", "maint.config.rule.between", []any{"lo", 20, "hi", 5000}},
		{"printer.receipts_per_roll", "many", "maint.config.rule.type.int", nil},
		{"hall_name", "卫东\x07", "maint.config.rule.printable", nil},
	} {
		_, err := c.With(tc.key, tc.value)
		var se *SettingError
		if !errors.As(err, &se) || se.Rule.Key != tc.rule || fmt.Sprint(se.Rule.Args) != fmt.Sprint(tc.args) {
			t.Errorf("%s=%q: %v, rule %+v; want %s %v", tc.key, tc.value, err, se, tc.rule, tc.args)
			continue
		}
		if !cat.Has(se.Rule.Key) {
			t.Errorf("%s has no text", se.Rule.Key)
		}
	}
	for _, typ := range []string{TypeText, TypeInt, TypeDuration, TypeBool, TypeURL, TypePath} {
		if !cat.Has("maint.config.rule.type." + typ) {
			t.Errorf("no text for a refused %s", typ)
		}
	}
}
