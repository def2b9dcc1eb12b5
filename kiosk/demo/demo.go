package demo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	pgpio "periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/gpio/gpiosim"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/drivers/serialport"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/duty"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/netsim"
	"taxkiosk/kiosk/seal"
)

// Opts configures Start.
type Opts struct {
	Dir     string       // holds the ptys' links and the hall's files; required
	KioskID string       // the kiosk the hall issues a client certificate to; zero means KIOSK-01
	Log     *slog.Logger // nil means no logging
}

// Demo is the kiosk's simulated surroundings.
type Demo struct {
	IDCard  *idcardsim.Sim
	Printer *escpossim.Sim
	Scanner *scannersim.Sim
	Hall    *hall.Server
	Link    *netsim.Proxy
	// Cabinet is the kiosk's digital I/O on simulated pins; the panel drives the inputs.
	Cabinet                                 *gpio.Aux
	presencePin, doorPin, helpPin, towerPin *gpiosim.Pin

	IDCardPort, PrinterPort, ScannerPort string // paths the kiosk opens
	HallURL                              string // the hall over mutual TLS, through the link
	CertsDir                             string // the demo CA, the hall's and the kiosk's certificates
	KioskID                              string

	store  *boltstore.Store
	http   *http.Server
	dev    string
	ctx    context.Context
	log    *slog.Logger
	ptys   map[string]*serialport.Pty // by device name; absent while unplugged
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// The staff pages (staff-web): StaffURL and DisplayURL are printed at start.
	StaffURL, DisplayURL string
	staffStore           staff.Store
	staffBus             staff.Bus // the duty board hears of heartbeats on it (duty-board)
	staffHTTP            *http.Server

	mu     sync.Mutex
	cut    bool
	onRcpt []func(escpossim.Receipt)
}

// Start brings up the simulators and the hall. Close stops them.
func Start(opts Opts) (d *Demo, err error) {
	if opts.Dir == "" {
		return nil, errors.New("demo: Opts.Dir is required")
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d = &Demo{cancel: cancel, ptys: map[string]*serialport.Pty{}}
	built := d // the named result is nil by the time a failed return's defer runs
	defer func() {
		if err != nil {
			built.Close()
		}
	}()
	// 0700 like the kiosk's own data directory: the hall's keys and the kiosk's certificate
	// key live under it, and no other user has business there.
	d.dev = filepath.Join(opts.Dir, "dev")
	if err := os.MkdirAll(d.dev, 0o700); err != nil {
		return nil, err
	}
	d.ctx, d.log = ctx, log
	for _, name := range []string{DevIDCard, DevPrinter, DevScanner} {
		if err := d.plug(name); err != nil {
			return nil, err
		}
	}
	d.IDCardPort = filepath.Join(d.dev, "ttyIDCARD")
	d.PrinterPort = filepath.Join(d.dev, "ttyPRINTER")
	d.ScannerPort = filepath.Join(d.dev, "ttySCANNER")

	d.presencePin = gpiosim.NewPin("PRESENCE", 17, pgpio.Low)
	d.doorPin = gpiosim.NewPin("DOOR", 27, pgpio.Low)
	d.helpPin = gpiosim.NewPin("HELP", 22, pgpio.Low)
	d.towerPin = gpiosim.NewPin("TOWER", 23, pgpio.Low)
	if d.Cabinet, err = gpio.New(gpio.Pins{Presence: d.presencePin, Door: d.doorPin, Help: d.helpPin, TowerLight: d.towerPin}, nil); err != nil {
		return nil, err
	}

	hallDir := filepath.Join(opts.Dir, "hall")
	if err := os.MkdirAll(hallDir, 0o700); err != nil {
		return nil, err
	}
	key, err := seal.LoadOrCreateKey(filepath.Join(hallDir, "hall.key"))
	if err != nil {
		return nil, err
	}
	if d.store, err = boltstore.Open(filepath.Join(hallDir, "hall.db"), &boltstore.Opts{Key: key}); err != nil {
		return nil, err
	}
	// The hall speaks mutual TLS as in a real hall: a demo CA issues the hall's certificate
	// and the kiosk's, and the hall accepts only kiosks it can name.
	d.KioskID = opts.KioskID
	if d.KioskID == "" {
		d.KioskID = "KIOSK-01"
	}
	d.CertsDir = filepath.Join(hallDir, "certs")
	if _, err := os.Stat(filepath.Join(d.CertsDir, certs.CAKey)); err != nil {
		if err := certs.Init(d.CertsDir, nil); err != nil {
			return nil, err
		}
	}
	if crt, _ := mtls.KioskFiles(d.KioskID); !exists(filepath.Join(d.CertsDir, crt)) {
		if err := certs.Issue(d.CertsDir, d.KioskID, nil); err != nil {
			return nil, err
		}
	}
	tlsConf, err := certs.ServerConfig(d.CertsDir)
	if err != nil {
		return nil, err
	}
	keyBytes, err := os.ReadFile(filepath.Join(hallDir, "hall.key"))
	if err != nil {
		return nil, err
	}
	link, err := d.startStaff(hallDir, keyBytes) // the seat, counters and display (staff-web)
	if err != nil {
		return nil, err
	}
	d.Hall = hall.New(d.store, &hall.Opts{Log: log, RequireKiosk: true, Staff: link, Queue: link, FleetChanged: duty.Publisher(d.staffBus)})
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ln := tls.NewListener(plain, tlsConf)
	d.http = &http.Server{Handler: d.Hall, ReadHeaderTimeout: 10 * time.Second}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := d.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo: hall stopped", "err", err)
		}
	}()
	if d.Link, err = netsim.New(ln.Addr().String()); err != nil {
		return nil, err
	}
	d.HallURL = "https://" + d.Link.Addr()
	return d, nil
}

// Device names for Unplug, Plug and the fault setters.
const (
	DevIDCard  = "idcard"
	DevPrinter = "printer"
	DevScanner = "scanner"
)

// plug makes the device's pty at its link and starts a fresh simulator on it, as when a
// USB-serial adapter is plugged in: the kiosk's line finds the device again by itself.
func (d *Demo) plug(name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ptys[name] != nil {
		return nil
	}
	link := map[string]string{DevIDCard: "ttyIDCARD", DevPrinter: "ttyPRINTER", DevScanner: "ttySCANNER"}[name]
	p, err := serialport.NewPty(filepath.Join(d.dev, link))
	if err != nil {
		return err
	}
	var run func(context.Context) error
	switch name {
	case DevIDCard:
		d.IDCard = idcardsim.New(p.Master, nil)
		run = d.IDCard.Run
	case DevPrinter:
		d.Printer = escpossim.New(p.Master, nil)
		d.Printer.OnReceipt(d.receipt)
		run = d.Printer.Run
	case DevScanner:
		d.Scanner = scannersim.New(p.Master, nil)
		run = d.Scanner.Run
	}
	d.ptys[name] = p
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := run(d.ctx); err != nil && d.ctx.Err() == nil {
			d.log.Info("demo: simulator stopped", "device", name, "err", err)
		}
	}()
	return nil
}

// SetPlugged unplugs (false) or plugs back (true) a simulated device. A device plugged
// back starts afresh: no card on the reader, paper loaded, no fault.
func (d *Demo) SetPlugged(name string, plugged bool) error {
	if plugged {
		return d.plug(name)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if p := d.ptys[name]; p != nil {
		delete(d.ptys, name)
		return p.Close()
	}
	return nil
}

// SetReaderFault injects an ID-card reader fault by name (idcardsim.ParseFault).
func (d *Demo) SetReaderFault(name string) error {
	f, err := idcardsim.ParseFault(name)
	if err != nil {
		return err
	}
	d.IDCard.SetFault(f)
	return nil
}

// SetPrinterFault injects a printer fault by name (escpossim.ParseFault).
func (d *Demo) SetPrinterFault(name string) error {
	f, err := escpossim.ParseFault(name)
	if err != nil {
		return err
	}
	d.Printer.SetFault(f)
	return nil
}

// ScannerNoise sends line noise ("garbage") or an overlong code ("overlong") from the scanner.
func (d *Demo) ScannerNoise(kind string) error {
	switch kind {
	case "garbage":
		return d.Scanner.Garbage(32)
	case "overlong":
		return d.Scanner.Overlong(8192)
	}
	return fmt.Errorf("demo: no scanner noise %q", kind)
}

// Configure points c's devices and hall at the demo's.
func (d *Demo) Configure(c *config.Config) {
	c.IDCard.Port, c.IDCard.Baud = d.IDCardPort, 115200
	c.Printer.Port, c.Printer.Baud = d.PrinterPort, 115200
	c.Scanner.Port, c.Scanner.Baud = d.ScannerPort, 9600
	c.Scanner.Suffix = "\r"
	c.HallURL = d.HallURL
	c.CertsDir = d.CertsDir
	c.KioskID = d.KioskID
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (d *Demo) receipt(r escpossim.Receipt) {
	d.mu.Lock()
	fs := append([]func(escpossim.Receipt){}, d.onRcpt...)
	d.mu.Unlock()
	for _, f := range fs {
		f(r)
	}
}

// OnReceipt calls f for every receipt the simulated printer finishes.
func (d *Demo) OnReceipt(f func(escpossim.Receipt)) {
	d.mu.Lock()
	d.onRcpt = append(d.onRcpt, f)
	d.mu.Unlock()
}

// PlaceCard puts the persona's card on the simulated reader.
func (d *Demo) PlaceCard(key string) error {
	p, ok := idcardsim.PersonaByKey(key)
	if !ok {
		return fmt.Errorf("demo: no persona %q", key)
	}
	return d.IDCard.Place(p.Card, p.Card.Photo)
}

// LiftCard takes the card off the simulated reader.
func (d *Demo) LiftCard() { d.IDCard.Lift() }

// SetLink cuts (false) or restores (true) the network between kiosk and hall.
func (d *Demo) SetLink(up bool) {
	d.mu.Lock()
	d.cut = !up
	d.mu.Unlock()
	if up {
		d.Link.Restore()
	} else {
		d.Link.Cut()
	}
}

// LinkUp reports whether the link is up.
func (d *Demo) LinkUp() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.cut
}

// SetPresence sets the presence sensor: someone stands at the kiosk.
func (d *Demo) SetPresence(on bool) { d.presencePin.Set(level(on)) }

// SetDoor opens or closes the cabinet door.
func (d *Demo) SetDoor(open bool) { d.doorPin.Set(level(open)) }

// PressHelp presses and releases the help button, holding it past the debounce time.
func (d *Demo) PressHelp() {
	d.helpPin.Set(pgpio.High)
	time.AfterFunc(200*time.Millisecond, func() { d.helpPin.Set(pgpio.Low) })
}

// TowerLight is the tower light's mode.
func (d *Demo) TowerLight() gpio.TowerMode { return d.Cabinet.TowerLight() }

func level(on bool) pgpio.Level {
	if on {
		return pgpio.High
	}
	return pgpio.Low
}

// Close stops the simulators and the hall.
func (d *Demo) Close() error {
	d.cancel()
	if d.Cabinet != nil {
		d.Cabinet.Halt()
	}
	if d.Link != nil {
		d.Link.Close()
	}
	if d.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		d.http.Shutdown(ctx)
		cancel()
	}
	d.mu.Lock()
	for _, p := range d.ptys {
		p.Close()
	}
	d.mu.Unlock()
	serr := d.closeStaff()
	d.wg.Wait()
	if d.store != nil {
		return errors.Join(d.store.Close(), serr)
	}
	return serr
}

// ScanSample scans the i-th of scannersim.SampleCodes.
func (d *Demo) ScanSample(i int) error {
	s := scannersim.SampleCodes()
	if i < 0 || i >= len(s) {
		return fmt.Errorf("demo: no sample %d", i)
	}
	return d.Scanner.Scan(s[i].Payload)
}

// ScanLastReceipt scans the kiosk receipt code (its QR) of the last receipt the simulated
// printer printed, as a taxpayer holds up the receipt just taken to look up its progress:
// the samples are another kiosk's receipts, which this kiosk does not know. ok is false when
// no receipt with a kiosk receipt code has printed yet.
func (d *Demo) ScanLastReceipt() (ok bool, err error) {
	rs := d.Printer.Receipts()
	for i := len(rs) - 1; i >= 0; i-- {
		for j := len(rs[i].QRs) - 1; j >= 0; j-- {
			if qr := []byte(rs[i].QRs[j]); scanner.Parse(qr).Kind == scanner.KindKioskReceipt {
				return true, d.Scanner.Scan(qr)
			}
		}
	}
	return false, nil
}

// SetPaper sets the simulated printer's paper: "ok", "near_end" or "end".
func (d *Demo) SetPaper(state string) error { return d.Printer.SetPaper(state) }

// SetCover opens or closes the simulated printer's cover.
func (d *Demo) SetCover(open bool) { d.Printer.SetCover(open) }
