package tech

import (
	"context"
	"time"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/readiness"
)

// Devices a self-test names.
const (
	DeviceIDCard  = "idcard"
	DevicePrinter = "printer"
	DeviceScanner = "scanner"
	DeviceGPIO    = "gpio"
)

// SelfTest is the outcome of one device's self-test.
type SelfTest struct {
	Device string `json:"device"` // one of the Device constants
	OK     bool   `json:"ok"`
	// MessageKey is the catalogue key saying what went wrong (a printer.*, idcard.*, scanner.*
	// key), or "" when OK.
	MessageKey string `json:"message_key,omitempty"`
	// Fields are what the test read, masked: the card's name and number, a scanned code's
	// kind and length, the inputs' levels. Keys are catalogue keys' last parts ("name").
	Fields []Field           `json:"fields,omitempty"`
	At     time.Time         `json:"at"`
	Took   jsontime.Duration `json:"took"`
}

// Field is one labelled value of a self-test. Label is a catalogue key.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Pin is one GPIO line as the self-test shows it live.
type Pin struct {
	Name   string `json:"name"`   // "presence", "door", "help", "tower_light" or an indicator's name
	Output bool   `json:"output"` // true for the tower light and indicators
	Fitted bool   `json:"fitted"`
	Active bool   `json:"active"`         // present, open, pressed, lit
	Mode   string `json:"mode,omitempty"` // the tower light: "off", "on" or "blink"
}

// NetReport is the network page: can the hall be reached, over what, and does the clock agree.
type NetReport struct {
	HallURL   string    `json:"hall_url"`
	CheckedAt time.Time `json:"checked_at"`
	Reachable bool      `json:"reachable"`
	// ErrorKey is the catalogue key of why the hall could not be reached ("net.check.refused",
	// "net.check.timeout", "net.check.tls", "net.check.dns", "net.check.error"), or "".
	ErrorKey  string            `json:"error_key,omitempty"`
	Error     string            `json:"error,omitempty"` // the technical error, for the technician only
	RoundTrip jsontime.Duration `json:"round_trip"`
	TLS       bool              `json:"tls"` // the hall is reached over HTTPS with mutual TLS
	// HallCertExpires is when the hall's server certificate expires; zero without TLS.
	HallCertExpires time.Time `json:"hall_cert_expires,omitzero"`
	// KioskCertExpires is when this kiosk's client certificate expires; zero without TLS.
	KioskCertExpires time.Time `json:"kiosk_cert_expires,omitzero"`
	// ClockSkew is the kiosk's clock minus the hall's (from the hall's Date header, to the
	// second); SkewKnown is false when the hall did not answer.
	ClockSkew jsontime.Duration `json:"clock_skew"`
	SkewKnown bool              `json:"skew_known"`
}

// Setting is one editable configuration field.
type Setting struct {
	Key   string `json:"key"`   // the field's JSON path, e.g. "printer.baud", "idle_timeout"
	Value string `json:"value"` // as text, e.g. "115200", "60s", "/dev/ttyUSB1"
	// Type says how the value is typed: "text", "int", "duration", "bool", "url" or "path".
	Type string `json:"type"`
	// Restart is true when a change takes effect only after the kiosk restarts.
	Restart bool `json:"restart"`
}

// Change is one entry of the configuration change log.
type Change struct {
	At  time.Time `json:"at"`
	Key string    `json:"key"`
	Old string    `json:"old"`
	New string    `json:"new"`
	By  string    `json:"by"` // "screen" or "kioskctl"
}

// LogLine is one line of the kiosk's log, personal data already masked.
type LogLine struct {
	Time  time.Time `json:"time"`
	Level string    `json:"level"`
	Text  string    `json:"text"`
}

// Consumables is the paper counter.
type Consumables struct {
	// Printed counts receipts and pages printed since the paper was last replaced.
	Printed int `json:"printed"`
	// ReplacedAt is when the technician last said the paper was replaced; zero: never.
	ReplacedAt time.Time `json:"replaced_at,omitzero"`
	// PerRoll is how many receipts a roll gives before the near-end sensor trips: learned
	// from the last roll, or the configured estimate before any roll has run down.
	PerRoll int  `json:"per_roll"`
	Learned bool `json:"learned"` // PerRoll was measured on this kiosk
	// Left estimates the receipts until near-end: PerRoll - Printed, never below zero.
	Left int `json:"left"`
}

// Menu is what the maintenance menu does beyond the desk, as the running kiosk implements it
// (*techmenu.Menu): the screens' pages and kioskctl's commands over the control socket
// both reach it. Methods with a context wait on hardware, the disk or the network; the others
// answer from memory or a small local file.
type Menu interface {
	SelfTest(ctx context.Context, device string) SelfTest // one of the Device constants
	Pins() []Pin
	SetOutput(ctx context.Context, name string, on bool) error // "tower_light" or an indicator
	CheckNetwork(ctx context.Context) NetReport
	Settings() []Setting
	// ChangeSetting validates, saves and logs a setting; by is "screen" or "kioskctl". It
	// refuses with a *config.SettingError carrying the catalogue key a screen shows.
	ChangeSetting(ctx context.Context, key, value, by string) error
	ConfigLog() []Change
	Logs(n int) []LogLine
	Consumables() Consumables
	PaperReplaced(ctx context.Context) error
	Readiness() []readiness.Item
	PrintReadiness(ctx context.Context) (printKey string) // the printer's message key, or ""
	ExportOutbox(ctx context.Context, dir string) (path string, n int, err error)
	ExportDirs() []string
}
