package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/update"
)

// errSwitched ends run after the update agent switched to a new version at an idle moment:
// main exits with update.ExitSwitched and the launcher (kioskboot) starts the new version.
var errSwitched = errors.New("switched to a new firmware version")

// deviceType is what a bundle must be made for to be installed here.
func deviceType() string { return "taxkiosk-" + runtime.GOARCH }

// firmware is the kiosk's side of updates (package update's Agent) as main wires it: the
// desk and the idle screen say when it may switch, READY=1 and the sync loop when a new
// version has proved itself, and every step becomes an audit transaction for the hall.
type firmware struct {
	*update.Agent // answers kioskctl's update ops (control.Firmware)
	// ready: READY=1 has been sent; idleScreen: the screens show the idle screen (set from
	// the UI thread every second); switched: the agent switched, the kiosk is ending.
	ready, idleScreen, switched atomic.Bool
}

// newFirmware opens DATA/firmware and the agent over it. quit ends the UI loop.
func newFirmware(cfg config.Config, term *terminal.Terminal, log *slog.Logger, quit func()) (*firmware, error) {
	keys, err := cfg.UpdatePublicKeys()
	if err != nil {
		return nil, err
	}
	// The package's sequence, so that no bundle older than an upgraded package is taken. A
	// broken file must not keep the kiosk from serving: it counts as 0, as kioskboot does.
	packaged, err := update.PackagedSequence(update.PackagedFile)
	if err != nil {
		log.Error("update: packaged sequence unknown", "err", err)
	}
	slots, err := update.New(update.Opts{Dir: filepath.Join(cfg.DataDir, "firmware"), Packaged: packaged,
		Policy: update.Policy{Keys: keys, DeviceType: deviceType()}, Trial: cfg.UpdateTrial.Std()})
	if err != nil {
		return nil, err
	}
	f := &firmware{}
	var fetch func(ctx context.Context, after uint64, refused []uint64) (io.ReadCloser, error)
	if len(keys) > 0 && term.Hall() != nil {
		fetch = func(ctx context.Context, after uint64, refused []uint64) (io.ReadCloser, error) {
			return term.Hall().Firmware(ctx, deviceType(), after, refused...)
		}
	}
	f.Agent = update.NewAgent(update.AgentOpts{
		Slots:   slots,
		Fetch:   fetch,
		Idle:    func() bool { return f.idleScreen.Load() && term.Desk().Idle() },
		Ready:   f.ready.Load,
		Reached: func() bool { return term.Link().Online },
		Report: func(ctx context.Context, e update.Entry) error {
			detail := map[string]any{"sequence": e.Sequence, "at": e.At}
			for k, v := range map[string]string{"version": e.Version, "reason": e.Reason, "detail": e.Detail} {
				if v != "" {
					detail[k] = v
				}
			}
			term.Desk().Audit(ctx, "firmware_"+string(e.Step), detail)
			return nil
		},
		Restart: func() { f.switched.Store(true); quit() },
		Log:     log,
	})
	return f, nil
}
