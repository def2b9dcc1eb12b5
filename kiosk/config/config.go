package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/policy"
)

// Duration is a time.Duration written as "60s" or "1m30s" in the JSON file.
type Duration struct{ time.Duration }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"60s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// Serial names a serial device.
type Serial struct {
	Port string `json:"port"` // e.g. /dev/ttyUSB0; empty means the device is not fitted
	Baud int    `json:"baud"` // zero means the device's default
}

// Printer is the receipt printer's configuration.
type Printer struct {
	Serial
	PaperWidthMM int  `json:"paper_width_mm"` // 58 or 80; zero means 80
	PartialCut   bool `json:"partial_cut"`    // many Chinese printers only cut partially
}

// Scanner is the 2D code reader's configuration.
type Scanner struct {
	Serial
	Suffix string `json:"suffix"` // "\r", "\n" or "\r\n"; empty accepts any
}

// GPIO names the kiosk's digital pins (periph.io names such as "GPIO17"); empty means absent.
type GPIO struct {
	Presence   string `json:"presence"`
	Door       string `json:"door"`
	HelpButton string `json:"help_button"`
	TowerLight string `json:"tower_light"`
}

// Config is the whole configuration.
type Config struct {
	KioskID     string   `json:"kiosk_id"`     // unique in the hall, e.g. "WD-01"
	HallName    string   `json:"hall_name"`    // printed on receipts
	HallURL     string   `json:"hall_url"`     // the hall server, e.g. http://10.1.2.3:8600
	DataDir     string   `json:"data_dir"`     // holds the outbox and the key file
	KeyFile     string   `json:"key_file"`     // AES key sealing personal data; default DataDir/seal.key
	Language    string   `json:"language"`     // "zh" (default) or "en"
	IdleTimeout Duration `json:"idle_timeout"` // a session idle this long ends; default 60s
	SyncWait    Duration `json:"sync_wait"`    // how long a receipt waits for the hall's ack; default 3s
	IDCard      Serial   `json:"idcard"`
	Printer     Printer  `json:"printer"`
	Scanner     Scanner  `json:"scanner"`
	GPIO        GPIO     `json:"gpio"`
	// CertsDir holds the kiosk's client certificate and Ed25519 key for an https hall
	// (made by `hall certs issue`); default DataDir/certs.
	CertsDir string `json:"certs_dir"`
	// OfflinePolicy says which services a kiosk accepts while the hall is unreachable, and
	// within which limits.
	OfflinePolicy policy.Policy `json:"offline_policy"`
	// PurgeAfterDays: personal data of transactions the hall acknowledged is dropped from
	// the kiosk this many days later.
	PurgeAfterDays int `json:"purge_after_days"`
	// TechnicianPINs are scrypt hashes of the PINs that open the maintenance menu, made with
	// `kioskctl pin hash`; never the PINs themselves.
	TechnicianPINs []string `json:"technician_pins"`
}

// Default returns the configuration used for every field a file leaves out.
func Default() Config {
	return Config{
		KioskID:        "KIOSK-01",
		HallName:       "卫东区税务局办税服务厅",
		HallURL:        "http://127.0.0.1:8600",
		DataDir:        DefaultDataDir(),
		Language:       "zh",
		IdleTimeout:    Duration{60 * time.Second},
		SyncWait:       Duration{3 * time.Second},
		IDCard:         Serial{Port: "/dev/ttyUSB0", Baud: 115200},
		Printer:        Printer{Serial: Serial{Port: "/dev/ttyUSB1", Baud: 115200}, PaperWidthMM: 80},
		Scanner:        Scanner{Serial: Serial{Port: "/dev/ttyUSB2", Baud: 9600}},
		OfflinePolicy:  policy.Defaults(),
		PurgeAfterDays: 30,
	}
}

// DefaultDataDir is $XDG_DATA_HOME/taxkiosk, or ~/.local/share/taxkiosk.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "taxkiosk")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "taxkiosk")
	}
	return "taxkiosk-data"
}

// Load reads path over the defaults. A missing file is not an error: the defaults apply.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, c.Validate()
	}
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config: %s: %w", path, err)
	}
	return c, c.Validate()
}

// Save writes c to path atomically (temporary file, fsync, rename), after validating it.
func (c Config) Save(path string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return os.Rename(tmp, path)
}

// KeyPath is the key file's path, defaulting into the data directory.
func (c Config) KeyPath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return filepath.Join(c.DataDir, "seal.key")
}

// Certs is the directory of the kiosk's client certificate and signing key.
func (c Config) Certs() string {
	if c.CertsDir != "" {
		return c.CertsDir
	}
	return filepath.Join(c.DataDir, "certs")
}

// EnterprisesPath is the enterprise cache's bbolt file (package entcache).
func (c Config) EnterprisesPath() string { return filepath.Join(c.DataDir, "enterprises.db") }

// JournalPath is the printer journal's bbolt file.
func (c Config) JournalPath() string { return filepath.Join(c.DataDir, "journal.db") }

// OutboxPath is the kiosk's bbolt file.
func (c Config) OutboxPath() string { return filepath.Join(c.DataDir, "outbox.db") }

// Validate reports the first field that is wrong, by its JSON name.
func (c Config) Validate() error {
	bad := func(field, why string) error { return fmt.Errorf("config: %s: %s", field, why) }
	switch {
	case strings.TrimSpace(c.KioskID) == "" || strings.ContainsAny(c.KioskID, ": /"):
		return bad("kiosk_id", "must be set and hold no ':', '/' or spaces")
	case !strings.HasPrefix(c.HallURL, "http://") && !strings.HasPrefix(c.HallURL, "https://"):
		return bad("hall_url", "must start with http:// or https://")
	case c.DataDir == "":
		return bad("data_dir", "must be set")
	case c.Language != "zh" && c.Language != "en":
		return bad("language", `must be "zh" or "en"`)
	case c.IdleTimeout.Duration < 15*time.Second || c.IdleTimeout.Duration > 10*time.Minute:
		return bad("idle_timeout", "must be between 15s and 10m")
	case c.SyncWait.Duration < 0 || c.SyncWait.Duration > 30*time.Second:
		return bad("sync_wait", "must be between 0s and 30s")
	case c.Printer.PaperWidthMM != 0 && c.Printer.PaperWidthMM != 58 && c.Printer.PaperWidthMM != 80:
		return bad("printer.paper_width_mm", "must be 58 or 80")
	case c.PurgeAfterDays < 1 || c.PurgeAfterDays > 3650:
		return bad("purge_after_days", "must be between 1 and 3650")
	}
	if err := maint.ValidateHashes(c.TechnicianPINs); err != nil {
		return bad("technician_pins", err.Error())
	}
	if err := c.OfflinePolicy.Validate(); err != nil {
		return bad("offline_policy", err.Error())
	}
	for name, s := range map[string]Serial{"idcard": c.IDCard, "printer": c.Printer.Serial, "scanner": c.Scanner.Serial} {
		switch s.Baud {
		case 0, 9600, 19200, 38400, 57600, 115200:
		default:
			return bad(name+".baud", "must be 9600, 19200, 38400, 57600 or 115200")
		}
	}
	switch c.Scanner.Suffix {
	case "", "\r", "\n", "\r\n":
	default:
		return bad("scanner.suffix", `must be "\r", "\n" or "\r\n"`)
	}
	return nil
}
