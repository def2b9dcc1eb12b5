package control

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/tech"
)

// fakeTech records what the socket asked of it and answers like a kiosk would.
type fakeTech struct {
	mu       sync.Mutex
	calls    []string
	maint    bool
	printed  int
	settings []tech.Setting
}

func (f *fakeTech) called(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeTech) SelfTest(_ context.Context, device string) tech.SelfTest {
	f.called("selftest " + device)
	if device == tech.DeviceIDCard && !f.maint {
		return tech.SelfTest{Device: device, MessageKey: "maint.selftest.not_in_maint"}
	}
	return tech.SelfTest{Device: device, OK: true, Fields: []tech.Field{{Label: "name", Value: "张*"}}}
}
func (f *fakeTech) Pins() []tech.Pin {
	return []tech.Pin{{Name: "door", Fitted: true}, {Name: "tower_light", Output: true, Fitted: true, Mode: "on", Active: true}}
}
func (f *fakeTech) SetOutput(_ context.Context, name string, on bool) error {
	f.called("output " + name)
	if name != "tower_light" {
		return errors.New("terminal: no such cabinet output: " + name)
	}
	return nil
}
func (f *fakeTech) CheckNetwork(context.Context) tech.NetReport {
	return tech.NetReport{HallURL: "http://hall:8600", Reachable: true, RoundTrip: jsontime.Duration(3 * time.Millisecond)}
}
func (f *fakeTech) Settings() []tech.Setting { return f.settings }
func (f *fakeTech) ChangeSetting(_ context.Context, key, value, by string) error {
	f.called("set " + key + "=" + value + " by " + by)
	c, err := config.Default().With(key, value)
	if err != nil {
		return err
	}
	f.settings = config.Settings(c, nil)
	return nil
}
func (f *fakeTech) ConfigLog() []tech.Change {
	return []tech.Change{{Key: "idle_timeout", Old: "1m0s", New: "2m0s", By: "screen"}}
}
func (f *fakeTech) Logs(n int) []tech.LogLine {
	f.called("logs")
	out := []tech.LogLine{{Level: "INFO", Text: "a"}, {Level: "INFO", Text: "b"}, {Level: "WARN", Text: "c"}}
	if n > 0 && n < len(out) {
		out = out[len(out)-n:]
	}
	return out
}
func (f *fakeTech) Consumables() tech.Consumables {
	return tech.Consumables{Printed: f.printed, PerRoll: 400, Left: 400 - f.printed}
}
func (f *fakeTech) PaperReplaced(context.Context) error { f.printed = 0; return nil }
func (f *fakeTech) Readiness() []readiness.Item {
	return []readiness.Item{{Key: "readiness.hall", Level: readiness.Pass, Detail: "online"}}
}
func (f *fakeTech) PrintReadiness(context.Context) string {
	f.called("print readiness")
	return "printer.paper_out"
}
func (f *fakeTech) InMaintenance() bool { return f.maint }
func (f *fakeTech) EnterMaintenance(_ context.Context, via string) error {
	f.called("enter " + via)
	f.maint = true
	return nil
}
func (f *fakeTech) ExitMaintenance(context.Context) { f.maint = false }
func (f *fakeTech) ExportOutbox(_ context.Context, dir string) (string, int, error) {
	return filepath.Join(dir, "outbox-K001-x.json"), 3, nil
}
func (f *fakeTech) ExportDirs() []string { return []string{"/media/usb/STICK", "/data/exports"} }

// TestTechOps puts every technician op through a real socket.
func TestTechOps(t *testing.T) {
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir)
	ft := &fakeTech{printed: 12, settings: config.Settings(config.Default(), nil)}
	sock := filepath.Join(dir, SocketName)
	serve(t, sock, Kiosk{Outbox: ob, Sync: &fakeSync{}, Tech: ft})
	c := &Client{Path: sock}
	ctx := context.Background()

	st, err := c.SelfTest(ctx, tech.DeviceIDCard)
	if err != nil || st.OK || st.MessageKey != "maint.selftest.not_in_maint" {
		t.Fatalf("selftest outside maintenance: %+v %v", st, err)
	}
	if on, err := c.Maintenance(ctx, true, false); err != nil || !on {
		t.Fatalf("maint enter: %v %v", on, err)
	}
	if st, err = c.SelfTest(ctx, tech.DeviceIDCard); err != nil || !st.OK || st.Fields[0].Value != "张*" {
		t.Fatalf("selftest: %+v %v", st, err)
	}
	if on, err := c.Maintenance(ctx, false, false); err != nil || !on {
		t.Fatalf("maint status: %v %v", on, err)
	}
	if on, err := c.Maintenance(ctx, false, true); err != nil || on {
		t.Fatalf("maint exit: %v %v", on, err)
	}

	if pins, err := c.Pins(ctx); err != nil || len(pins) != 2 || pins[1].Mode != "on" {
		t.Fatalf("pins %+v %v", pins, err)
	}
	if _, err := c.SetOutput(ctx, "tower_light", true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetOutput(ctx, "siren", true); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "siren") {
		t.Fatalf("unknown output: %v", err)
	}
	if _, err := c.Call(ctx, Request{Op: OpSetOutput}); !errors.Is(err, ErrRefused) {
		t.Fatalf("output without a name: %v", err)
	}
	if r, err := c.Network(ctx); err != nil || !r.Reachable || r.RoundTrip != jsontime.Duration(3*time.Millisecond) {
		t.Fatalf("network %+v %v", r, err)
	}
	if l, err := c.Logs(ctx, 2); err != nil || len(l) != 2 || l[1].Text != "c" {
		t.Fatalf("logs %+v %v", l, err)
	}
	if _, err := c.Call(ctx, Request{Op: OpLogs, Limit: -1}); !errors.Is(err, ErrRefused) {
		t.Fatalf("negative logs: %v", err)
	}

	all, err := c.Settings(ctx, "")
	if err != nil || len(all) != len(config.Keys()) {
		t.Fatalf("settings: %d %v", len(all), err)
	}
	one, err := c.Settings(ctx, "printer.baud")
	if err != nil || len(one) != 1 || one[0].Value != "115200" {
		t.Fatalf("one setting %+v %v", one, err)
	}
	var refused *RefusedError
	if _, err := c.Settings(ctx, "technician_pins"); !errors.As(err, &refused) || refused.MessageKey() != config.KeyUnknownKey {
		t.Fatalf("unknown key: %v", err)
	}
	s, err := c.ChangeSetting(ctx, "printer.baud", "9600")
	if err != nil || s.Key != "printer.baud" || s.Value != "9600" {
		t.Fatalf("set: %+v %v", s, err)
	}
	if _, err := c.ChangeSetting(ctx, "printer.baud", "1234"); !errors.As(err, &refused) || refused.MessageKey() != config.KeyBadValue || !strings.Contains(err.Error(), "9600, 19200") {
		t.Fatalf("bad value: %v", err)
	}
	if chs, err := c.ConfigLog(ctx); err != nil || len(chs) != 1 || chs[0].New != "2m0s" {
		t.Fatalf("log %+v %v", chs, err)
	}

	if p, err := c.Consumables(ctx); err != nil || p.Printed != 12 || p.Left != 388 {
		t.Fatalf("paper %+v %v", p, err)
	}
	if p, err := c.PaperReplaced(ctx); err != nil || p.Printed != 0 || p.Left != 400 {
		t.Fatalf("paper replaced %+v %v", p, err)
	}
	items, key, err := c.Readiness(ctx, false)
	if err != nil || len(items) != 1 || key != "" {
		t.Fatalf("readiness %+v %q %v", items, key, err)
	}
	if _, key, err = c.Readiness(ctx, true); err != nil || key != "printer.paper_out" {
		t.Fatalf("readiness --print: %q %v", key, err)
	}
	if path, n, err := c.ExportTo(ctx, ""); err != nil || n != 3 || !strings.HasPrefix(path, "/media/usb/STICK/") {
		t.Fatalf("export to the first directory: %q %d %v", path, n, err)
	}

	ft.mu.Lock()
	got := strings.Join(ft.calls, "|")
	ft.mu.Unlock()
	for _, want := range []string{"enter kioskctl", "set printer.baud=9600 by kioskctl", "print readiness", "output siren"} {
		if !strings.Contains(got, want) {
			t.Errorf("calls %q lack %q", got, want)
		}
	}
}

// TestTechOpsNeedTheRunningKiosk: a stopped kiosk's file (no Tech) refuses them plainly.
func TestTechOpsNeedTheRunningKiosk(t *testing.T) {
	ob, _ := testOutbox(t, t.TempDir())
	for _, op := range []string{OpSelfTest, OpConfigGet, OpConfigSet, OpLogs, OpPaperReplaced, OpMaintEnter, OpNetwork} {
		resp := Handle(context.Background(), Kiosk{Outbox: ob}, Request{Op: op, Device: "printer", Key: "k"})
		if resp.Error != ErrNoTechnician.Error() {
			t.Errorf("%s: %+v", op, resp)
		}
	}
	if resp := Handle(context.Background(), Kiosk{Outbox: ob}, Request{Op: "tech.nonsense"}); !strings.Contains(resp.Error, "unknown op") {
		t.Errorf("unknown op: %+v", resp)
	}
}
