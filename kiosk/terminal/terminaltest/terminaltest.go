package terminaltest

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/terminal"
)

// Options change the kiosk before it opens. The zero value is a kiosk "TEST-01" whose log
// goes nowhere but its ring.
type Options struct {
	KioskID string // zero means "TEST-01"
	// Before runs once the simulators are up and before the kiosk opens.
	Before func(*demo.Demo)
	// Configure changes the configuration after the demo's ports were filled in; the file
	// at ConfigPath holds the configuration as it was before Configure.
	Configure func(*config.Config)
	// Tune changes the terminal's options.
	Tune func(*terminal.Opts)
}

// Kiosk is a started kiosk and what it runs on.
type Kiosk struct {
	Demo       *demo.Demo
	Term       *terminal.Terminal
	Catalog    *i18n.Catalog
	Logs       *logring.Ring // the kiosk's log, masked, as the maintenance menu reads it
	Dir        string        // the test's directory: demo/, kiosk/ (the data), usb/
	ConfigPath string        // where setting changes are saved
	USB        string        // an existing directory standing for a mounted USB stick
}

// Start starts a kiosk for t and stops it when t ends. The sync loop retries within half a
// second and probes the hall every 200 ms, and a receipt waits up to 8 s for the hall, so
// that a loaded CI machine still shows "delivered" where it should.
func Start(t testing.TB, o Options) *Kiosk {
	t.Helper()
	if o.KioskID == "" {
		o.KioskID = "TEST-01"
	}
	k := &Kiosk{Dir: t.TempDir()}
	d, err := demo.Start(demo.Opts{Dir: filepath.Join(k.Dir, "demo"), KioskID: o.KioskID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	k.Demo = d
	if o.Before != nil {
		o.Before(d)
	}
	if k.Catalog, err = i18n.Load(assets.Translations()); err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	c.KioskID = o.KioskID
	c.DataDir = filepath.Join(k.Dir, "kiosk")
	c.SyncWait = jsontime.Duration(8 * time.Second)
	d.Configure(&c)
	k.ConfigPath = filepath.Join(k.Dir, "kiosk.json")
	if err := c.Save(k.ConfigPath); err != nil {
		t.Fatal(err)
	}
	if o.Configure != nil {
		o.Configure(&c)
	}
	k.USB = filepath.Join(k.Dir, "usb")
	if err := os.MkdirAll(k.USB, 0o700); err != nil {
		t.Fatal(err)
	}
	k.Logs = logring.New(slog.DiscardHandler, logring.DefaultSize)
	opts := terminal.Opts{
		Catalog: k.Catalog, Cabinet: d.Cabinet, MaxBackoff: 500 * time.Millisecond, ProbeEvery: 200 * time.Millisecond,
		Log: slog.New(k.Logs), Logs: k.Logs, ConfigPath: k.ConfigPath, ExportRoots: []string{k.USB},
	}
	if o.Tune != nil {
		o.Tune(&opts)
	}
	k.Logs = opts.Logs
	if k.Logs != nil {
		t.Cleanup(func() { // a failed test shows what the kiosk logged, masked
			if t.Failed() {
				for _, l := range k.Logs.Lines(0) {
					t.Logf("kiosk log: %s %s %s", l.Time.Format("15:04:05.000"), l.Level, l.Text)
				}
			}
		})
	}
	if k.Term, err = terminal.Open(c, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Term.Close() })
	k.Term.Start()
	return k
}
