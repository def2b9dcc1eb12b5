// Command kiosk is the self-service tax kiosk's touchscreen firmware.
//
//	kiosk [--config FILE] [--data DIR] [--windowed] [--demo]
//
// It opens the devices and the hall named in the configuration (FILE, by default
// DIR/kiosk.json; a missing file means the defaults). The kiosk is fullscreen unless
// --windowed.
//
// Built with -tags demo (bin/kioskdemo, ./build.sh demo), --demo starts the simulated reader,
// printer and scanner on pseudo-terminals and a hall server on loopback, and opens the
// simulator control panel beside the kiosk. The firmware is built without the tag and links
// none of them.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"taxkiosk/assets"
	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/ui/bridge"
	"taxkiosk/ui/screens"
	kt "taxkiosk/ui/theme"
)

func main() {
	// The hall and its taxpayers read China Standard Time: the screens' times must agree
	// with the receipts' whatever zone the machine was installed with, unless TZ says
	// otherwise on purpose.
	if os.Getenv("TZ") == "" {
		if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
			time.Local = loc
		} else {
			time.Local = time.FixedZone("CST", 8*3600)
		}
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "kiosk:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		cfgPath  = flag.String("config", "", "configuration file (default DATA/kiosk.json)")
		dataDir  = flag.String("data", "", "data directory (default "+config.DefaultDataDir()+")")
		windowed = flag.Bool("windowed", false, "run in a window instead of fullscreen")
		demoMode = flag.Bool("demo", false, "simulated devices and an embedded hall server")
		outOfSvc = flag.Bool("out-of-service", false, "show only the out-of-service screen; open no device, hall or storage")
	)
	flag.Parse()
	// The ring keeps the last lines for the technician's log page, masked, and passes every
	// record on to stderr.
	ring := logring.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}), logring.DefaultSize)
	log := slog.New(ring)
	slog.SetDefault(log)

	dir := *dataDir
	if dir == "" {
		dir = config.DefaultDataDir()
	}
	if *cfgPath == "" {
		*cfgPath = filepath.Join(dir, "kiosk.json")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	if *dataDir != "" {
		cfg.DataDir = *dataDir
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		return err
	}

	var rig *demoRig
	if *demoMode {
		if rig, err = startDemo(&cfg, log); err != nil {
			return err
		}
		defer rig.Close()
	}
	topts := terminal.Opts{Catalog: cat, Log: log, Logs: ring, ConfigPath: *cfgPath}
	if rig != nil {
		rig.configure(&topts)
	} else if cab := openCabinet(cfg, log); cab != nil {
		defer cab.Halt()
		topts.Cabinet = cab
	}
	a := app.NewWithID("cn.gov.tax.selfservice.kiosk")
	th := kt.New()
	a.Settings().SetTheme(th)
	lang := i18n.Lang(cfg.Language)

	term, err := openTerminal(cfg, topts, *outOfSvc)
	if err != nil {
		// A kiosk that cannot keep transactions must not take any; it says so on screen
		// rather than leave a blank display in the hall, and the log has the cause.
		log.Error("kiosk: out of service", "err", err)
		w := a.NewWindow(cat.T(lang, "app.title"))
		w.SetContent(screens.OutOfService(cat))
		if *windowed {
			w.Resize(fyne.NewSize(1280, 900))
		} else {
			fillOutput(w)
		}
		superviseUI(log)
		w.ShowAndRun()
		return err
	}
	defer term.Close()
	term.Start()
	ui := screens.New(term.Desk, cat, th, screens.Opts{Lang: lang, Technician: term, Refresh: func() { a.Settings().SetTheme(th) }})
	w := a.NewWindow(cat.T(lang, "app.title"))
	w.SetContent(ui.Content())
	if *windowed {
		w.Resize(fyne.NewSize(1280, 900))
	} else {
		fillOutput(w)
	}
	w.SetMaster()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go bridge.Pump(ctx, term.Desk.Events(), ui.HandleEvent)
	panelTick := func() {}
	if rig != nil {
		panelTick = rig.panel(a, i18n.Translator{C: cat, Lang: lang})
	}
	go bridge.Every(ctx, time.Second, func() {
		online, pending := term.NetState()
		ui.SetNetwork(screens.NetState{Online: online, Pending: pending})
		ui.Tick()
		panelTick()
	})
	go func() { // SIGINT or SIGTERM: close the windows; the deferred Closes then run
		<-ctx.Done()
		bridge.Do(a.Quit)
	}()

	superviseUI(log)
	w.ShowAndRun()
	return nil
}

// openCabinet opens the GPIO pins named in the configuration. A kiosk without them (or on a
// board where they cannot be opened) runs without presence, door and help signals, and says so.
func openCabinet(cfg config.Config, log *slog.Logger) *gpio.Aux {
	names := gpio.PinNames{Presence: cfg.GPIO.Presence, Door: cfg.GPIO.Door, Help: cfg.GPIO.HelpButton, TowerLight: cfg.GPIO.TowerLight}
	if names.Presence == "" && names.Door == "" && names.Help == "" && names.TowerLight == "" {
		return nil
	}
	pins, err := gpio.OpenHostPins(names)
	if err == nil {
		var aux *gpio.Aux
		if aux, err = gpio.New(pins, &gpio.Opts{Names: names}); err == nil {
			return aux
		}
	}
	log.Error("kiosk: GPIO not available; running without presence, door and help signals", "err", err)
	return nil
}
