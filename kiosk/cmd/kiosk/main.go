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
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"

	"taxkiosk/assets"
	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/logring"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/update"
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
		if errors.Is(err, errSwitched) {
			os.Exit(update.ExitSwitched) // the launcher starts the new version
		}
		fmt.Fprintln(os.Stderr, "kiosk:", err)
		os.Exit(1)
	}
}

// stopSignals is armed when the main package is initialised, before main runs, so that a stop
// during start-up ends as cleanly as one at the idle screen: with the deferred Closes, and exit
// status 0. (A signal in the process's first milliseconds, before any of its code runs, has
// its default effect; nothing is open then.)
var stopSignals = make(chan os.Signal, 1)

func init() { signal.Notify(stopSignals, os.Interrupt, syscall.SIGTERM) }

func run() error {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		select {
		case <-stopSignals:
			stop()
		case <-ctx.Done():
		}
	}()
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
	lang := i18n.Lang(cfg.Language)
	useLocale(lang)

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
	if ctx.Err() != nil {
		return nil // stopped during start-up
	}
	prof, err := startProfile()
	if err != nil {
		return err
	}
	// The window is made and shown at once, blank in the theme's background, while the
	// terminal (storage, devices, the hall link) opens on one goroutine and the idle screen's
	// faces are parsed on others: GLFW's start and the GL context, about a third of a second
	// of the main thread, no longer wait for the fonts, and the first frame with text waits
	// for the longest of the three, not for their sum.
	opened := make(chan openResult, 1)
	go func() {
		term, err := openTerminal(cfg, topts, *outOfSvc)
		opened <- openResult{term, err}
	}()
	a := app.NewWithID("cn.gov.tax.selfservice.kiosk")
	th := kt.New()
	a.Settings().SetTheme(th)
	go quitOnSignal(ctx, a)
	w := a.NewWindow(cat.T(lang, "app.title"))
	w.SetContent(container.NewWithoutLayout()) // no text: nothing measured before the faces are parsed
	if *windowed {
		w.Resize(fyne.NewSize(1280, 900))
	} else {
		fillOutput(w)
	}
	w.SetMaster()
	k := &kiosk{ctx: ctx, cfg: cfg, cat: cat, lang: lang, log: log, app: a, theme: th, win: w, rig: rig, prof: prof}
	built := make(chan struct{})
	go func() {
		defer close(built)
		kt.Warm(th.Size(fynetheme.SizeNameText))
		k.open(<-opened)
	}()
	w.ShowAndRun()
	<-built // a stop during start-up: the terminal is closed below, not left open
	if k.term != nil {
		defer k.term.Close()
	}
	if err := prof.Stop(); err != nil {
		log.Error("kiosk: profile", "err", err)
	}
	switch {
	case k.failed != nil:
		return k.failed
	case k.fw != nil && k.fw.switched.Load():
		return errSwitched
	case k.outOfService != nil && ctx.Err() == nil:
		// Stopped by a signal, as a service manager stops it, an out-of-service run has not
		// failed; ended any other way, it has.
		return k.outOfService
	}
	return nil
}

// kiosk is what run sets up once the UI loop runs: the terminal and the screens over it.
type kiosk struct {
	ctx   context.Context
	cfg   config.Config
	cat   *i18n.Catalog
	lang  i18n.Lang
	log   *slog.Logger
	app   fyne.App
	theme *kt.Theme
	win   fyne.Window
	rig   *demoRig
	prof  *profiler

	// Set by open, read by run once the loop has ended and open has returned.
	term         *terminal.Terminal
	fw           *firmware
	outOfService error // the terminal could not open: the screen says so
	failed       error // the kiosk cannot run at all
}

// open takes the opened terminal and puts the screens over it on the window. A kiosk whose
// terminal cannot keep transactions must not take any; it says so on screen rather than
// leave a blank display in the hall, and the log has the cause.
func (k *kiosk) open(res openResult) {
	k.term = res.term
	if res.err != nil {
		k.outOfService = res.err
		k.log.Error("kiosk: out of service", "err", res.err)
		bridge.Do(func() {
			k.win.SetContent(screens.OutOfService(k.cat, techReason(res.err)))
			superviseUI(k.log, nil)
		})
		return
	}
	if k.ctx.Err() != nil {
		return // stopped during start-up
	}
	quit := func() { bridge.Do(k.app.Driver().Quit) }
	fw, err := newFirmware(k.cfg, k.term, k.log, quit)
	if err != nil {
		k.failed = err
		quit()
		return
	}
	k.fw = fw
	k.term.SetFirmware(fw)
	bridge.Do(k.show)
}

// show builds the screens and starts the kiosk's work once they are drawn. It runs on the UI
// thread.
func (k *kiosk) show() {
	ctx, term, fw, log := k.ctx, k.term, k.fw, k.log
	// A theme change (large text) makes Fyne parse the faces afresh: what that leaves behind
	// goes back to the system too.
	refresh := func() {
		k.app.Settings().SetTheme(k.theme)
		go func() { time.Sleep(readyDelay); returnMemory() }()
	}
	ui := screens.New(term.Desk(), screens.ServicesOf(term.Services()), k.cat, k.theme, screens.Opts{Lang: k.lang, Technician: term.Menu(), Refresh: refresh})
	if n := term.Notices(); n != nil { // the hall's announcements, rotated on the idle screen
		ui.SetAnnouncements(n)
	}
	k.win.SetContent(ui.Content())

	go bridge.Pump(ctx, term.Desk().Events(), ui.HandleEvent)
	panelTick := func() {}
	if k.rig != nil {
		panelTick = k.rig.panel(k.app, i18n.Translator{C: k.cat, Lang: k.lang})
	}
	go bridge.Every(ctx, time.Second, func() {
		online, connecting, pending := term.NetState()
		ui.SetNetwork(screens.NetState{Online: online, Connecting: connecting, Pending: pending})
		ui.Tick()
		panelTick()
		fw.idleScreen.Store(ui.Screen() == screens.ScreenIdle)
	})

	// The reader's polling, the sync loop and the supervision start once the idle screen is
	// drawn; then the memory start-up used and no longer needs goes back to the system. Start
	// runs on the UI thread, so it never comes after the loop has ended and term.Close has
	// run (bridge.Do drops it then).
	go func() {
		time.Sleep(readyDelay) // the first frames with the screens are drawn
		bridge.Do(func() {
			term.Start()
			go fw.Run(ctx) // updates are looked for once the kiosk serves
			k.prof.Serving(func(err error, file string) {
				if err != nil {
					log.Error("kiosk: idle CPU profile", "err", err)
					return
				}
				log.Info("kiosk: idle CPU profile written", "file", file)
			})
		})
		returnMemory()
	}()
	superviseUI(log, func() { fw.ready.Store(true) })
}

type openResult struct {
	term *terminal.Terminal
	err  error
}

// returnMemory gives back what parsing the faces needed and the screens do not: the pages
// of the font files the parser copied out of (see theme.ReleaseFontFiles), and the heap it
// left as garbage. debug.FreeOSMemory collects and returns that at once instead of leaving
// it to the runtime's background scavenger.
//
// Most of the live heap is then the two parsed CJK faces (about 40 MB) that never change;
// with Go's default GOGC=100 the heap would grow to twice that in garbage before each
// collection. The screens allocate little, so from here on the kiosk collects at 25 % above
// the live heap (unless GOGC is set). Not before: at start-up the parse allocates its way
// up from nothing, and collecting that often made the first frame come seconds later.
func returnMemory() {
	kt.ReleaseFontFiles()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	debug.FreeOSMemory()
}

// quitOnSignal ends the UI loop when ctx ends (SIGINT or SIGTERM); the deferred Closes then
// run. Fyne's desktop driver quits on these signals too once its loop runs; this covers a
// signal that came before. It ends the loop the way Fyne does, without closing the windows
// first (app.Quit): windows closed while the loop still polls X events can be handed a
// pointer event after they are gone, which crashes in GLFW. bridge.Do drops the Quit if the
// loop has already ended.
func quitOnSignal(ctx context.Context, a fyne.App) {
	<-ctx.Done()
	bridge.Do(a.Driver().Quit)
}

// useLocale sets the process locale to the configured language (see i18n.Lang.Locale).
func useLocale(l i18n.Lang) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Setenv(k, l.Locale())
	}
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
