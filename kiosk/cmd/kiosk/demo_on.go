//go:build demo

package main

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"fyne.io/fyne/v2"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/ui/simpanel"
)

// demoPIN opens the maintenance menu in demo mode when the configuration names no PIN.
const demoPIN = "246810"

// demoRig is the demo build's simulated surroundings: pty simulators, a hall on loopback
// and the control panel that drives them.
type demoRig struct {
	sims *demo.Demo
}

// startDemo starts the simulators and the hall and points cfg at them.
func startDemo(cfg *config.Config, log *slog.Logger) (*demoRig, error) {
	sims, err := demo.Start(demo.Opts{Dir: filepath.Join(cfg.DataDir, "demo"), KioskID: cfg.KioskID, Log: log})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sims.Configure(cfg)
	if len(cfg.TechnicianPINs) == 0 {
		h, err := maint.HashPIN(demoPIN)
		if err != nil {
			sims.Close()
			return nil, err
		}
		cfg.TechnicianPINs = []string{h}
		log.Info("demo: technician PIN " + demoPIN + " (five taps on the idle screen's title, or open the cabinet door)")
	}
	log.Info("demo: simulated devices", "idcard", cfg.IDCard.Port, "printer", cfg.Printer.Port,
		"scanner", cfg.Scanner.Port, "hall", cfg.HallURL)
	return &demoRig{sims: sims}, nil
}

func (r *demoRig) configure(topts *terminal.Opts) { topts.Cabinet = r.sims.Cabinet }

// panel opens the simulator control panel in its own window; its tick runs on the UI thread.
func (r *demoRig) panel(a fyne.App, tr i18n.Translator) (tick func()) {
	p := simpanel.New(r.sims, tr)
	pw := a.NewWindow(tr.T("sim.title"))
	pw.SetContent(p.Content())
	pw.Resize(fyne.NewSize(900, 700))
	pw.Show()
	return p.Tick
}

func (r *demoRig) Close() { r.sims.Close() }
