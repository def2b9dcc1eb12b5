package config

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrUnknownKey: the key names no editable setting.
	ErrUnknownKey = errors.New("config: unknown setting")
	// ErrBadValue: the value does not parse as the setting's type, or the configuration it
	// would make does not validate.
	ErrBadValue = errors.New("config: bad value")
	// ErrClearHall: the hall URL is not https:// (mutual TLS) and not a loopback address, or
	// not a usable URL at all.
	ErrClearHall = errors.New("refused")
	// ErrStorage: the configuration file or the change log could not be written.
	ErrStorage = errors.New("config: storage failure")
)

// Catalogue keys of SettingError.MessageKey.
const (
	KeyUnknownKey = "maint.config.unknown_key"
	KeyBadValue   = "maint.config.bad_value"
)

// SettingError is a refused change: MessageKey is the catalogue key for the screen
// (KeyUnknownKey or KeyBadValue), Detail the technical reason (which rule, which field) for
// the technician. It matches ErrUnknownKey or ErrBadValue with errors.Is.
type SettingError struct {
	Key        string // the setting
	MessageKey string
	Detail     string
	Rule       Rule  // which rule refused the value, for the screen; zero when none says more
	Err        error // ErrUnknownKey or ErrBadValue
}

// Rule is why a value was refused, as a screen words it: Key is a catalogue key under
// maint.config.rule, Args fill its {placeholders} (lo, hi: a range; choices: the values
// allowed). A technician told only "not allowed" has to guess what is.
type Rule struct {
	Key  string
	Args []any
}

// fieldError is a configuration field that breaks a rule: the English reason for logs and
// kioskctl, and the Rule for the screen.
type fieldError struct {
	field, why string
	rule       Rule
}

func (e *fieldError) Error() string { return "config: " + e.field + ": " + e.why }

// bad is a field refused for a reason no rule text words; between and oneOf carry theirs.
func bad(field, why string) error { return &fieldError{field: field, why: why} }

func between(field string, lo, hi any) error {
	return &fieldError{field: field, why: fmt.Sprintf("must be between %v and %v", lo, hi),
		rule: Rule{Key: "maint.config.rule.between", Args: []any{"lo", lo, "hi", hi}}}
}

func oneOf(field string, choices ...string) error {
	list := strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
	return &fieldError{field: field, why: "must be " + list,
		rule: Rule{Key: "maint.config.rule.one_of", Args: []any{"choices", strings.Join(choices, " / ")}}}
}

func (e *SettingError) Error() string { return e.Err.Error() + ": " + e.Key + ": " + e.Detail }

func (e *SettingError) Unwrap() error { return e.Err }

func unknownKey(key string) error {
	return &SettingError{Key: key, MessageKey: KeyUnknownKey, Detail: "not an editable setting", Err: ErrUnknownKey}
}

func badValue(key string, err error, r Rule) error {
	var fe *fieldError
	if r.Key == "" && errors.As(err, &fe) {
		r = fe.rule
	}
	return &SettingError{Key: key, MessageKey: KeyBadValue, Detail: err.Error(), Rule: r, Err: ErrBadValue}
}
