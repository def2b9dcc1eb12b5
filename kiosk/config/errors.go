package config

import "errors"

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
	Err        error // ErrUnknownKey or ErrBadValue
}

func (e *SettingError) Error() string { return e.Err.Error() + ": " + e.Key + ": " + e.Detail }

func (e *SettingError) Unwrap() error { return e.Err }

func unknownKey(key string) error {
	return &SettingError{Key: key, MessageKey: KeyUnknownKey, Detail: "not an editable setting", Err: ErrUnknownKey}
}

func badValue(key, detail string) error {
	return &SettingError{Key: key, MessageKey: KeyBadValue, Detail: detail, Err: ErrBadValue}
}
