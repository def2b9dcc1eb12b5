package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/tech"
)

// Setting types, as tech.Setting.Type names them.
const (
	TypeText     = "text"
	TypeInt      = "int"
	TypeDuration = "duration"
	TypeBool     = "bool"
	TypeURL      = "url"
	TypePath     = "path"
)

// PolicyServices are the services whose offline rule is editable from the maintenance menu.
var policyServices = []string{"vat_return", "invoice_collection", "tax_payment"}

// field is one editable setting: how to read it from a Config and how to write text into one.
type field struct {
	key string
	typ string
	// live: a running kiosk takes the new value without a restart (the terminal reads it, or
	// hands it to the desk's Reconfigure).
	live bool
	get  func(c *Config) string
	set  func(c *Config, v string) error
}

// fields is the fixed list of what a technician may edit, in the menu's order. The PIN hashes,
// the data directory and the key and certificate paths are deliberately absent: they are set
// by whoever installs the kiosk, not from its screen.
func fields() []field {
	fs := []field{
		text("kiosk_id", false, func(c *Config) *string { return &c.KioskID }),
		text("hall_name", true, func(c *Config) *string { return &c.HallName }),
		{key: "hall_url", typ: TypeURL, get: func(c *Config) string { return c.HallURL },
			set: func(c *Config, v string) error { c.HallURL = strings.TrimSpace(v); return nil }},
		duration("idle_timeout", true, func(c *Config) *time.Duration { return (*time.Duration)(&c.IdleTimeout) }),
		duration("sync_wait", true, func(c *Config) *time.Duration { return (*time.Duration)(&c.SyncWait) }),
		path("idcard.port", func(c *Config) *string { return &c.IDCard.Port }),
		integer("idcard.baud", false, func(c *Config) *int { return &c.IDCard.Baud }),
		path("printer.port", func(c *Config) *string { return &c.Printer.Port }),
		integer("printer.baud", false, func(c *Config) *int { return &c.Printer.Baud }),
		integer("printer.paper_width_mm", false, func(c *Config) *int { return &c.Printer.PaperWidthMM }),
		integer("printer.receipts_per_roll", true, func(c *Config) *int { return &c.Printer.ReceiptsPerRoll }),
		path("scanner.port", func(c *Config) *string { return &c.Scanner.Port }),
		integer("scanner.baud", false, func(c *Config) *int { return &c.Scanner.Baud }),
		{key: "scanner.suffix", typ: TypeText, get: func(c *Config) string { return suffixName(c.Scanner.Suffix) },
			set: func(c *Config, v string) error {
				s, ok := suffixValue(v)
				if !ok {
					return fmt.Errorf(`must be CR, LF, CRLF or empty (any), not %q`, v)
				}
				c.Scanner.Suffix = s
				return nil
			}},
		text("gpio.presence", false, func(c *Config) *string { return &c.GPIO.Presence }),
		text("gpio.door", false, func(c *Config) *string { return &c.GPIO.Door }),
		text("gpio.help_button", false, func(c *Config) *string { return &c.GPIO.HelpButton }),
		text("gpio.tower_light", false, func(c *Config) *string { return &c.GPIO.TowerLight }),
	}
	for _, s := range policyServices {
		fs = append(fs, policyFields(s)...)
	}
	fs = append(fs,
		integer("purge_after_days", false, func(c *Config) *int { return &c.PurgeAfterDays }),
		text("language", false, func(c *Config) *string { return &c.Language }),
	)
	return fs
}

func text(key string, live bool, p func(*Config) *string) field {
	return field{key: key, typ: TypeText, live: live, get: func(c *Config) string { return *p(c) },
		set: func(c *Config, v string) error { *p(c) = strings.TrimSpace(v); return nil }}
}

func path(key string, p func(*Config) *string) field {
	f := text(key, false, p)
	f.typ = TypePath
	return f
}

func integer(key string, live bool, p func(*Config) *int) field {
	return field{key: key, typ: TypeInt, live: live, get: func(c *Config) string { return strconv.Itoa(*p(c)) },
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("not a whole number: %q", v)
			}
			*p(c) = n
			return nil
		}}
}

func duration(key string, live bool, p func(*Config) *time.Duration) field {
	return field{key: key, typ: TypeDuration, live: live, get: func(c *Config) string { return p(c).String() },
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf(`not a duration like "60s" or "1m30s": %q`, v)
			}
			*p(c) = d
			return nil
		}}
}

// policyFields are one service's offline rule. Setting the mode to anything but
// offline_limited drops the rule's limits, since only offline_limited has any; an empty
// limit or "0" for the age means none.
func policyFields(service string) []field {
	prefix := "offline_policy.services." + service + "."
	rule := func(c *Config) policy.Rule {
		if r, ok := c.OfflinePolicy.Services[service]; ok {
			return r
		}
		return c.OfflinePolicy.Default
	}
	put := func(c *Config, r policy.Rule) {
		m := make(map[string]policy.Rule, len(c.OfflinePolicy.Services)+1)
		for k, v := range c.OfflinePolicy.Services { // a copy: the caller's Config shares the map
			m[k] = v
		}
		m[service] = r
		c.OfflinePolicy.Services = m
	}
	return []field{
		{key: prefix + "mode", typ: TypeText, live: true, get: func(c *Config) string { return string(c.OfflinePolicy.Rule(service).Mode) },
			set: func(c *Config, v string) error {
				r := rule(c)
				r.Mode = policy.Mode(strings.TrimSpace(v))
				if r.Mode != policy.OfflineLimited {
					r.MaxQueued, r.MaxAge, r.MaxAmount = 0, 0, nil
				}
				put(c, r)
				return nil
			}},
		{key: prefix + "max_queued", typ: TypeInt, live: true, get: func(c *Config) string { return strconv.Itoa(rule(c).MaxQueued) },
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("not a whole number: %q", v)
				}
				r := rule(c)
				r.MaxQueued = n
				put(c, r)
				return nil
			}},
		{key: prefix + "max_offline_age", typ: TypeDuration, live: true, get: func(c *Config) string { return time.Duration(rule(c).MaxAge).String() },
			set: func(c *Config, v string) error {
				v = strings.TrimSpace(v)
				var d time.Duration
				if v != "" && v != "0" {
					var err error
					if d, err = time.ParseDuration(v); err != nil {
						return fmt.Errorf(`not a duration like "72h": %q`, v)
					}
				}
				r := rule(c)
				r.MaxAge = jsontime.Duration(d)
				put(c, r)
				return nil
			}},
		{key: prefix + "max_offline_amount", typ: TypeText, live: true, get: func(c *Config) string {
			if a := rule(c).MaxAmount; a != nil {
				return a.String()
			}
			return ""
		},
			set: func(c *Config, v string) error {
				r := rule(c)
				r.MaxAmount = nil
				if v = strings.TrimSpace(v); v != "" {
					a, err := money.Parse(v)
					if err != nil {
						return fmt.Errorf(`not an amount like "50000.00": %q`, v)
					}
					r.MaxAmount = &a
				}
				put(c, r)
				return nil
			}},
	}
}

func suffixName(s string) string {
	return map[string]string{"": "", "\r": "CR", "\n": "LF", "\r\n": "CRLF"}[s]
}

func suffixValue(v string) (string, bool) {
	s, ok := map[string]string{"": "", "any": "", "CR": "\r", `\r`: "\r", "LF": "\n", `\n`: "\n", "CRLF": "\r\n", `\r\n`: "\r\n"}[strings.TrimSpace(v)]
	return s, ok
}

func lookup(key string) (field, bool) {
	for _, f := range fields() {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// Keys lists the editable settings in the menu's order.
func Keys() []string {
	var out []string
	for _, f := range fields() {
		out = append(out, f.key)
	}
	return out
}

// LiveKey reports whether a running kiosk takes key's new value without a restart: the hall's
// name, the idle timeout, the sync wait, the offline policy and the paper estimate. Every
// other key needs a restart.
func LiveKey(key string) bool {
	f, ok := lookup(key)
	return ok && f.live
}

// Settings lists c's editable settings. applied says which keys the running kiosk applies
// without a restart (nil: none); the others are marked Restart.
func Settings(c Config, applied func(key string) bool) []tech.Setting {
	fs := fields()
	out := make([]tech.Setting, 0, len(fs))
	for _, f := range fs {
		out = append(out, tech.Setting{Key: f.key, Value: f.get(&c), Type: f.typ, Restart: applied == nil || !applied(f.key)})
	}
	return out
}

// Get returns the value of one setting as text.
func (c Config) Get(key string) (string, error) {
	f, ok := lookup(key)
	if !ok {
		return "", unknownKey(key)
	}
	return f.get(&c), nil
}

// With returns a copy of c with key set to value, validated. The error is a *SettingError.
func (c Config) With(key, value string) (Config, error) {
	f, ok := lookup(key)
	if !ok {
		return c, unknownKey(key)
	}
	if !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl) {
		return c, badValue(key, errors.New("must be printable text"), Rule{Key: "maint.config.rule.printable"})
	}
	next := c
	if err := f.set(&next, value); err != nil {
		return c, badValue(key, err, Rule{Key: "maint.config.rule.type." + f.typ})
	}
	if err := next.Validate(); err != nil {
		return c, badValue(key, err, Rule{})
	}
	return next, nil
}
