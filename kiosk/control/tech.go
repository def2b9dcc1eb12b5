package control

import (
	"context"
	"errors"
	"fmt"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/tech"
)

// Ops of the technician's menu, answered only by a running kiosk (Kiosk.Tech set).
const (
	OpSelfTest      = "tech.selftest" // Device
	OpPins          = "tech.pins"
	OpSetOutput     = "tech.set_output" // Name, On
	OpNetwork       = "tech.network"
	OpLogs          = "tech.logs"  // Limit: the last this many; zero: all kept
	OpConfigGet     = "config.get" // Key: one setting; empty: all
	OpConfigSet     = "config.set" // Key, Value
	OpConfigLog     = "config.log"
	OpConsumables   = "paper.status"
	OpPaperReplaced = "paper.replaced"
	OpReadiness     = "readiness" // Print: also print it on the kiosk's printer
	OpMaintenance   = "maintenance.status"
	OpMaintEnter    = "maintenance.enter"
	OpMaintExit     = "maintenance.exit"
	OpExportOutbox  = "outbox.export_to" // Dir: a directory on the kiosk; empty: the first of ExportDirs
)

// Via is how changes and maintenance made over the socket are recorded ("by", "via").
const Via = "kioskctl"

// Technician is the running kiosk's maintenance side (*techmenu.Menu).
type Technician interface {
	tech.Menu
	InMaintenance() bool
	EnterMaintenance(ctx context.Context, via string) error
	ExitMaintenance(ctx context.Context)
}

// handleTech answers the technician's ops; ok is false for any other op.
func handleTech(ctx context.Context, h Handler, req Request) (resp Response, ok bool) {
	switch req.Op {
	case OpSelfTest, OpPins, OpSetOutput, OpNetwork, OpLogs, OpConfigGet, OpConfigSet, OpConfigLog,
		OpConsumables, OpPaperReplaced, OpReadiness, OpMaintenance, OpMaintEnter, OpMaintExit, OpExportOutbox:
	default:
		return Response{}, false
	}
	var t Technician
	if k, isKiosk := h.(Kiosk); isKiosk {
		t = k.Tech
	}
	if t == nil {
		return Response{Error: ErrNoTechnician.Error()}, true
	}
	fail := func(err error) Response { return Response{Error: err.Error(), ErrorKey: errorKey(err)} }
	switch req.Op {
	case OpSelfTest:
		st := t.SelfTest(ctx, req.Device)
		return Response{SelfTest: &st}, true
	case OpPins:
		return Response{Pins: t.Pins()}, true
	case OpSetOutput:
		if req.Name == "" {
			return fail(fmt.Errorf("%w: set_output needs a name", ErrBadRequest)), true
		}
		if err := t.SetOutput(ctx, req.Name, req.On); err != nil {
			return fail(err), true
		}
		return Response{Pins: t.Pins()}, true
	case OpNetwork:
		r := t.CheckNetwork(ctx)
		return Response{Network: &r}, true
	case OpLogs:
		if req.Limit < 0 {
			return fail(fmt.Errorf("%w: negative limit", ErrBadRequest)), true
		}
		return Response{Logs: t.Logs(req.Limit)}, true
	case OpConfigGet:
		all := t.Settings()
		if req.Key == "" {
			return Response{Settings: all}, true
		}
		for _, s := range all {
			if s.Key == req.Key {
				return Response{Settings: []tech.Setting{s}}, true
			}
		}
		return Response{Error: fmt.Sprintf("%v: %q is not an editable setting", ErrUnknownSetting, req.Key), ErrorKey: config.KeyUnknownKey}, true
	case OpConfigSet:
		if req.Key == "" {
			return fail(fmt.Errorf("%w: config.set needs a key", ErrBadRequest)), true
		}
		if err := t.ChangeSetting(ctx, req.Key, req.Value, Via); err != nil {
			return fail(err), true
		}
		for _, s := range t.Settings() {
			if s.Key == req.Key {
				return Response{Settings: []tech.Setting{s}}, true
			}
		}
		return Response{}, true
	case OpConfigLog:
		return Response{Changes: t.ConfigLog()}, true
	case OpConsumables:
		c := t.Consumables()
		return Response{Consumables: &c}, true
	case OpPaperReplaced:
		if err := t.PaperReplaced(ctx); err != nil {
			return fail(err), true
		}
		c := t.Consumables()
		return Response{Consumables: &c}, true
	case OpReadiness:
		resp := Response{Readiness: t.Readiness()}
		if req.Print {
			resp.PrintKey = t.PrintReadiness(ctx)
			resp.Printed = resp.PrintKey == ""
		}
		return resp, true
	case OpMaintenance:
		on := t.InMaintenance()
		return Response{Maintenance: &on}, true
	case OpMaintEnter:
		if err := t.EnterMaintenance(ctx, Via); err != nil {
			return fail(err), true
		}
		on := t.InMaintenance()
		return Response{Maintenance: &on}, true
	case OpMaintExit:
		t.ExitMaintenance(ctx)
		on := t.InMaintenance()
		return Response{Maintenance: &on}, true
	case OpExportOutbox:
		dir := req.Dir
		if dir == "" {
			dirs := t.ExportDirs()
			if len(dirs) == 0 {
				return fail(fmt.Errorf("%w: no export directory", ErrBadRequest)), true
			}
			dir = dirs[0]
		}
		path, n, err := t.ExportOutbox(ctx, dir)
		if err != nil {
			return fail(err), true
		}
		return Response{Path: path, Count: n}, true
	}
	return Response{}, false
}

// errorKey is the catalogue key an error carries for the screen (a refused setting), or "".
func errorKey(err error) string {
	var se *config.SettingError
	if errors.As(err, &se) {
		return se.MessageKey
	}
	return ""
}
