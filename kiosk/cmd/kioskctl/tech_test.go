package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/terminal/terminaltest"
)

const techPIN = "246810"

// runningKiosk starts a whole kiosk on the demo's simulators and hall, as `kiosk --demo` does,
// and returns its data directory once its control socket answers.
func runningKiosk(t *testing.T) (*terminal.Terminal, *demo.Demo, string) {
	t.Helper()
	hash, err := maint.HashPIN(techPIN)
	if err != nil {
		t.Fatal(err)
	}
	k := terminaltest.Start(t, terminaltest.Options{
		KioskID:   "CTL-01",
		Configure: func(c *config.Config) { c.TechnicianPINs = []string{hash} },
		Tune: func(o *terminal.Opts) {
			o.ExportRoots = []string{filepath.Join(filepath.Dir(o.ConfigPath), "media", "*", "*")}
		},
	})
	dataDir := k.Term.Config().DataDir
	cl := &control.Client{Path: control.SocketPath(dataDir)}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := cl.Status(context.Background()); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("control socket never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return k.Term, k.Demo, dataDir
}

// TestTechnicianCommands drives the built binary through the maintenance menu's commands
// against a running kiosk.
func TestTechnicianCommands(t *testing.T) {
	term, d, data := runningKiosk(t)
	run := func(want int, args ...string) string {
		t.Helper()
		out, code := ctl(t, append(args, "--data", data)...)
		if code != want {
			t.Fatalf("kioskctl %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	jsonOf := func(v any, args ...string) {
		t.Helper()
		if err := json.Unmarshal([]byte(run(exitOK, append(args, "--json")...)), v); err != nil {
			t.Fatalf("kioskctl %s --json: %v", strings.Join(args, " "), err)
		}
	}

	// Card and scanner tests wait for maintenance, and say how to get there.
	if out := run(exitNotReady, "selftest", "idcard"); !strings.Contains(out, "kioskctl maint enter") || !strings.Contains(out, "not in maintenance") {
		t.Fatalf("selftest outside maintenance:\n%s", out)
	}
	if out := run(exitUsage, "selftest", "toaster"); !strings.Contains(out, "idcard, printer, scanner or gpio") {
		t.Fatalf("unknown device:\n%s", out)
	}
	if out := run(exitOK, "selftest", "gpio"); !strings.Contains(out, "gpio self-test: OK") || !strings.Contains(out, "tower_light") {
		t.Fatalf("gpio:\n%s", out)
	}
	if err := term.Desk().EnterMaintenance(context.Background(), techPIN, "screen"); err != nil {
		t.Fatal(err)
	}
	if out := run(exitOK, "maint", "status"); !strings.Contains(out, "maintenance:") {
		t.Fatalf("maint status:\n%s", out)
	}
	var st tech.SelfTest
	jsonOf(&st, "selftest", "printer")
	if !st.OK || st.Device != "printer" {
		t.Fatalf("printer self-test %+v", st)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		d.PlaceCard("resident-female")
	}()
	out := run(exitOK, "selftest", "idcard")
	if !strings.Contains(out, "idcard self-test: OK") || !strings.Contains(out, "**") || !strings.Contains(out, "check_digit") {
		t.Fatalf("card self-test:\n%s", out)
	}
	noPersonalData(t, "card self-test", out)

	// Settings: read, change, refuse, log.
	if out := run(exitOK, "config", "get", "printer.baud"); strings.TrimSpace(out) != "115200" {
		t.Fatalf("config get printer.baud: %q", out)
	}
	if out := run(exitOK, "config", "get"); !strings.Contains(out, "offline_policy.services.vat_return.mode") || !strings.Contains(out, "after restart") {
		t.Fatalf("config get:\n%s", out)
	}
	if out := run(exitOK, "config", "set", "printer.baud", "9600"); !strings.Contains(out, `printer.baud = "9600"`) || !strings.Contains(out, "after the kiosk restarts") {
		t.Fatalf("config set:\n%s", out)
	}
	if out := run(exitFailed, "config", "set", "printer.baud", "1234"); !strings.Contains(out, "must be 9600, 19200, 38400, 57600 or 115200") {
		t.Fatalf("bad baud:\n%s", out)
	}
	// A clear-text hall off this machine would carry names and ID numbers in clear.
	if out := run(exitFailed, "config", "set", "hall_url", "http://10.1.2.3:8600"); !strings.Contains(out, "use https://") || strings.Contains(out, "goroutine") {
		t.Fatalf("clear-text hall:\n%s", out)
	}
	if out := run(exitFailed, "config", "set", "technician_pins", "x"); !strings.Contains(out, "unknown setting") {
		t.Fatalf("PIN hashes:\n%s", out)
	}
	if out := run(exitFailed, "config", "get", "nonsense"); !strings.Contains(out, "not an editable setting") {
		t.Fatalf("unknown key:\n%s", out)
	}
	run(exitUsage, "config", "set", "printer.baud")
	var changes []tech.Change
	jsonOf(&changes, "config", "log")
	if len(changes) != 1 || changes[0].Key != "printer.baud" || changes[0].New != "9600" || changes[0].By != control.Via {
		t.Fatalf("change log %+v", changes)
	}
	if out := run(exitOK, "config", "log"); !strings.Contains(out, "printer.baud") || !strings.Contains(out, "kioskctl") {
		t.Fatalf("config log:\n%s", out)
	}

	// Paper: one test page counted; replaced resets.
	var paper tech.Consumables
	jsonOf(&paper, "paper", "status")
	if paper.Printed != 1 || paper.PerRoll != config.DefaultReceiptsPerRoll {
		t.Fatalf("paper %+v", paper)
	}
	if out := run(exitOK, "paper", "replaced"); !strings.Contains(out, "paper: 0 printed") {
		t.Fatalf("paper replaced:\n%s", out)
	}
	if out := run(exitOK, "status"); !strings.Contains(out, "paper: 0 printed") {
		t.Fatalf("status lacks the paper counter:\n%s", out)
	}

	// Outputs, network, logs, readiness.
	var pins []tech.Pin
	jsonOf(&pins, "output", "tower_light", "off")
	if d.TowerLight() != "off" || len(pins) != 4 {
		t.Fatalf("tower light %s, pins %+v", d.TowerLight(), pins)
	}
	run(exitFailed, "output", "siren", "on")
	run(exitUsage, "output", "tower_light", "dim")
	var net tech.NetReport
	jsonOf(&net, "network")
	if !net.Reachable || !net.TLS || net.KioskCertExpires.IsZero() {
		t.Fatalf("network %+v", net)
	}
	if out := run(exitOK, "network"); !strings.Contains(out, "reachable") || !strings.Contains(out, "kiosk certificate expires") {
		t.Fatalf("network:\n%s", out)
	}
	var lines []tech.LogLine
	jsonOf(&lines, "logs", "-n", "3")
	if len(lines) != 3 {
		t.Fatalf("logs -n 3: %d lines", len(lines))
	}
	if out := run(exitOK, "logs"); !strings.Contains(out, "desk: technician") {
		t.Fatalf("logs:\n%s", out)
	}
	before := len(d.Printer.Receipts())
	out, code := ctl(t, "readiness", "--print", "--data", data)
	if (code != exitOK && code != exitNotReady) || !strings.Contains(out, "printed on the kiosk") {
		t.Fatalf("readiness --print: exit %d\n%s", code, out)
	}
	if n := len(d.Printer.Receipts()); n != before+1 {
		t.Fatalf("readiness --print printed %d pages", n-before)
	}

	usb := t.TempDir()
	if out := run(exitOK, "outbox", "save", usb); !strings.Contains(out, "records written to "+usb+"/outbox-CTL-01-") {
		t.Fatalf("outbox save:\n%s", out)
	}
	if out := run(exitOK, "outbox", "save"); !strings.Contains(out, filepath.Join(data, "exports")) { // no stick mounted
		t.Fatalf("outbox save to the default:\n%s", out)
	}
	run(exitFailed, "outbox", "save", filepath.Join(usb, "missing"))

	if out := run(exitOK, "maint", "exit"); !strings.Contains(out, "in service") || term.Desk().InMaintenance() {
		t.Fatalf("maint exit:\n%s", out)
	}
	// Entering without a PIN needs the desk's PIN-less entry; without it the technician is
	// told to use the screen.
	if _, ok := any(term.Desk()).(interface {
		EnterMaintenanceAs(context.Context, string) error
	}); ok {
		if out := run(exitOK, "maint", "enter"); !strings.Contains(out, "maintenance:") || !term.Desk().InMaintenance() {
			t.Fatalf("maint enter:\n%s", out)
		}
	} else if out := run(exitFailed, "maint", "enter"); !strings.Contains(out, "enter it on the screen") || term.Desk().InMaintenance() {
		t.Fatalf("maint enter without the desk's entry:\n%s", out)
	}
}

func TestTechnicianCommandsWithoutKiosk(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"selftest", "printer"}, {"config", "get"}, {"logs"}, {"network"}, {"paper", "status"}, {"maint", "enter"}} {
		out, code := ctl(t, append(args, "--data", dir)...)
		if code != exitNotReady || !strings.Contains(out, "no kiosk is running") {
			t.Errorf("%v: exit %d %s", args, code, out)
		}
	}
	os.Remove(dir)
}
