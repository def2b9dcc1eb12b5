package config

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/policy"
)

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
	// ReceiptsPerRoll estimates how many receipts a roll gives before its near-end sensor
	// trips, until the kiosk has learned it from a roll that ran down; zero means
	// DefaultReceiptsPerRoll.
	ReceiptsPerRoll int `json:"receipts_per_roll,omitempty"`
}

// DefaultReceiptsPerRoll is the estimate for an 80 mm roll of common length (about 80 m)
// with receipts of about 20 cm.
const DefaultReceiptsPerRoll = 400

// PerRoll is the configured estimate of receipts per roll.
func (p Printer) PerRoll() int {
	if p.ReceiptsPerRoll > 0 {
		return p.ReceiptsPerRoll
	}
	return DefaultReceiptsPerRoll
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
	KioskID     string            `json:"kiosk_id"`     // unique in the hall, e.g. "WD-01"
	HallName    string            `json:"hall_name"`    // printed on receipts
	HallURL     string            `json:"hall_url"`     // the hall server, e.g. https://10.1.2.3:8600 (see CheckHallURL)
	DataDir     string            `json:"data_dir"`     // holds the outbox and the key file
	KeyFile     string            `json:"key_file"`     // AES key sealing personal data; default DataDir/seal.key
	Language    string            `json:"language"`     // "zh" (default) or "en"
	IdleTimeout jsontime.Duration `json:"idle_timeout"` // a session idle this long ends; default 60s
	SyncWait    jsontime.Duration `json:"sync_wait"`    // how long a receipt waits for the hall's ack; default 3s
	IDCard      Serial            `json:"idcard"`
	Printer     Printer           `json:"printer"`
	Scanner     Scanner           `json:"scanner"`
	GPIO        GPIO              `json:"gpio"`
	// CertsDir holds the kiosk's client certificate and Ed25519 key for an https hall
	// (made by `hall certs issue`); default DataDir/certs.
	CertsDir string `json:"certs_dir"`
	// HeartbeatEvery is how often the kiosk tells the hall's duty leader how it is; zero
	// means 30s (the hall calls a kiosk silent after 5 minutes without one).
	HeartbeatEvery jsontime.Duration `json:"heartbeat_every,omitzero"`
	// OfflinePolicy says which services a kiosk accepts while the hall is unreachable, and
	// within which limits.
	OfflinePolicy policy.Policy `json:"offline_policy"`
	// MinFreeMB is the free space, in MiB, the data directory's file system must keep for a
	// taxpayer to start a service; below it the kiosk is out of service before anyone types
	// a return that could not be stored.
	MinFreeMB int `json:"min_free_mb"`
	// PurgeAfterDays: personal data of transactions the hall acknowledged is dropped from
	// the kiosk this many days later.
	PurgeAfterDays int `json:"purge_after_days"`
	// TechnicianPINs are scrypt hashes of the PINs that open the maintenance menu, made with
	// `kioskctl pin hash`; never the PINs themselves.
	TechnicianPINs []string `json:"technician_pins"`
	// TechnicianCards are scrypt hashes of the ID numbers of technicians whose ID card, placed
	// on the reader while the PIN pad shows, opens maintenance instead of a PIN; made with
	// `kioskctl pin hash-card`. Never the numbers themselves.
	TechnicianCards []string `json:"technician_cards"`
	// UpdateKeys are the Ed25519 public keys (standard base64 of 32 bytes) any one of which
	// may sign a firmware bundle; empty means this kiosk accepts no update.
	UpdateKeys []string `json:"update_keys"`
	// UpdateTrial is how long a new firmware version has, after the switch, to report ready
	// and reach the hall before it is rolled back; zero means 10 minutes.
	UpdateTrial jsontime.Duration `json:"update_trial"`
}

// Default returns the configuration used for every field a file leaves out.
func Default() Config {
	return Config{
		KioskID:        "KIOSK-01",
		HallName:       "卫东区税务局办税服务厅",
		HallURL:        "https://127.0.0.1:8600",
		DataDir:        DefaultDataDir(),
		Language:       "zh",
		IdleTimeout:    jsontime.Duration(60 * time.Second),
		SyncWait:       jsontime.Duration(3 * time.Second),
		IDCard:         Serial{Port: "/dev/ttyUSB0", Baud: 115200},
		Printer:        Printer{Serial: Serial{Port: "/dev/ttyUSB1", Baud: 115200}, PaperWidthMM: 80, ReceiptsPerRoll: DefaultReceiptsPerRoll},
		Scanner:        Scanner{Serial: Serial{Port: "/dev/ttyUSB2", Baud: 9600}},
		OfflinePolicy:  policy.Defaults(),
		PurgeAfterDays: 30,
		MinFreeMB:      64,
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

// Save writes c to path atomically, after validating it: a temporary file beside it (mode
// 0600), fsync, rename over path, fsync of the directory. A crash at any point leaves either
// the old file or the new one, never a mix.
func (c Config) Save(path string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	defer os.Remove(f.Name()) // after the rename there is nothing left to remove
	fail := func(err error) error {
		f.Close()
		return fmt.Errorf("%w: %s: %w", ErrStorage, path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrStorage, path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrStorage, path, err)
	}
	// The rename is durable only once the directory entry is.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
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
	switch {
	case strings.TrimSpace(c.KioskID) == "" || strings.ContainsAny(c.KioskID, ": /") || len(c.KioskID) > 32:
		return bad("kiosk_id", "must be set, at most 32 characters, and hold no ':', '/' or spaces")
	case strings.TrimSpace(c.HallName) == "" || utf8.RuneCountInString(c.HallName) > 64:
		return bad("hall_name", "must be set and at most 64 characters")
	}
	if err := CheckHallURL(c.HallURL); err != nil {
		return fmt.Errorf("config: hall_url: %w", err)
	}
	switch {
	case c.DataDir == "":
		return bad("data_dir", "must be set")
	case c.Language != "zh" && c.Language != "en":
		return oneOf("language", "zh", "en")
	case c.IdleTimeout.Std() < 15*time.Second || c.IdleTimeout.Std() > 10*time.Minute:
		return between("idle_timeout", "15s", "10m")
	case c.SyncWait.Std() < 0 || c.SyncWait.Std() > 30*time.Second:
		return between("sync_wait", "0s", "30s")
	case c.HeartbeatEvery.Std() != 0 && (c.HeartbeatEvery.Std() < 5*time.Second || c.HeartbeatEvery.Std() > 2*time.Minute):
		return between("heartbeat_every", "5s", "2m")
	case c.Printer.PaperWidthMM != 0 && c.Printer.PaperWidthMM != 58 && c.Printer.PaperWidthMM != 80:
		return oneOf("printer.paper_width_mm", "58", "80")
	case c.Printer.ReceiptsPerRoll != 0 && (c.Printer.ReceiptsPerRoll < 20 || c.Printer.ReceiptsPerRoll > 5000):
		return between("printer.receipts_per_roll", 20, 5000)
	case c.PurgeAfterDays < 1 || c.PurgeAfterDays > 3650:
		return between("purge_after_days", 1, 3650)
	case c.MinFreeMB < 1 || c.MinFreeMB > 1<<20:
		return between("min_free_mb", 1, 1048576)
	}
	if err := maint.ValidateHashes(c.TechnicianPINs); err != nil {
		return bad("technician_pins", err.Error())
	}
	if err := maint.ValidateHashes(c.TechnicianCards); err != nil {
		return bad("technician_cards", err.Error())
	}
	if err := c.OfflinePolicy.Validate(); err != nil {
		return bad("offline_policy", err.Error())
	}
	ports := map[string]string{} // port -> the device that has it
	for _, d := range []struct {
		name string
		s    Serial
	}{{"idcard", c.IDCard}, {"printer", c.Printer.Serial}, {"scanner", c.Scanner.Serial}} {
		switch d.s.Baud {
		case 0, 9600, 19200, 38400, 57600, 115200:
		default:
			return oneOf(d.name+".baud", "9600", "19200", "38400", "57600", "115200")
		}
		if d.s.Port == "" {
			continue
		}
		if !filepath.IsAbs(d.s.Port) || filepath.Clean(d.s.Port) != d.s.Port {
			return bad(d.name+".port", "must be an absolute, clean path such as /dev/ttyUSB0")
		}
		if other, ok := ports[d.s.Port]; ok {
			return bad(d.name+".port", "is already the "+other+"'s port")
		}
		ports[d.s.Port] = d.name
	}
	switch c.Scanner.Suffix {
	case "", "\r", "\n", "\r\n":
	default:
		return oneOf("scanner.suffix", `"\r"`, `"\n"`, `"\r\n"`)
	}
	pins := map[string]string{} // pin -> the function wired to it
	for _, g := range []struct{ name, pin string }{
		{"gpio.presence", c.GPIO.Presence}, {"gpio.door", c.GPIO.Door},
		{"gpio.help_button", c.GPIO.HelpButton}, {"gpio.tower_light", c.GPIO.TowerLight},
	} {
		if g.pin == "" {
			continue
		}
		if !pinName(g.pin) {
			return bad(g.name, "must be a pin name such as GPIO17")
		}
		if other, ok := pins[g.pin]; ok {
			return bad(g.name, "is already wired to "+other)
		}
		pins[g.pin] = g.name
	}
	if _, err := c.UpdatePublicKeys(); err != nil {
		return err
	}
	return nil
}

// UpdatePublicKeys decodes UpdateKeys.
func (c Config) UpdatePublicKeys() ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for i, k := range c.UpdateKeys {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("config: update_keys[%d]: must be the standard base64 of a 32-byte Ed25519 public key", i)
		}
		keys = append(keys, ed25519.PublicKey(b))
	}
	return keys, nil
}

// pinName accepts the names periph.io gives pins ("GPIO17", "P1_11", "PA7", "GPIO_5-1").
func pinName(s string) bool {
	if len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// CheckHallURL refuses a hall address a kiosk must not send taxpayers' data to: anything but
// an https:// URL (mutual TLS with the kiosk's certificate, signed batches) with a host, and
// no user, query or fragment. Clear http:// is allowed only to a loopback address
// (127.0.0.0/8, ::1, localhost), where nothing crosses a wire: a development hall on the
// same machine. The error is a plain sentence for the technician.
func CheckHallURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return fmt.Errorf("%w: must be an https:// URL with a host and nothing after the path", ErrClearHall)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%w: http:// would send names and ID numbers in clear; use https:// (mutual TLS), or http:// only to a loopback address", ErrClearHall)
	}
	return fmt.Errorf("%w: must be an https:// URL, not %s://", ErrClearHall, u.Scheme)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
