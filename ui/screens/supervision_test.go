package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/terminal"
)

// supervisedHarness supervises the devices every 200 ms and takes the kiosk out of service
// after a second without printing, on the system's clock: the harness's fixed day would
// never let that second pass.
func supervisedHarness(t *testing.T, configure func(*config.Config)) *harness {
	return newHarnessTuned(t, nil, func(c *config.Config, o *terminal.Opts) {
		o.Now = nil
		o.SuperviseEvery = 200 * time.Millisecond
		o.OutOfServiceAfter = time.Second
		if configure != nil {
			configure(c)
		}
	})
}

// pumpWhile delivers desk events to the screens until ok holds.
func (h *harness) pumpWhile(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s:\n%s", what, h.text())
		}
		select {
		case e := <-h.term.Desk().Events():
			h.app.HandleEvent(e)
		case f := <-h.ui:
			f()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (h *harness) shows(s string) func() bool {
	return func() bool { return strings.Contains(h.text(), s) }
}

// TestOutOfServiceOnTheIdleScreen: with nothing able to print, the idle screen says the kiosk
// is out of service and why, in both languages, with no queue button; the printer back, the
// card prompt returns by itself.
func TestOutOfServiceOnTheIdleScreen(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := supervisedHarness(t, nil)
	h.app.SetNetwork(NetState{Online: true})
	if err := h.demo.SetPlugged(demo.DevPrinter, false); err != nil {
		t.Fatal(err)
	}
	h.pumpWhile("the out-of-service screen", h.shows("暂停服务"))
	if h.app.Button("queue.button") != nil {
		t.Fatal("a queue button on a kiosk that cannot print the ticket")
	}
	if h.demo.TowerLight() != gpio.TowerOn {
		t.Fatalf("tower light %s", h.demo.TowerLight())
	}
	h.golden("idle_out_of_service")
	if err := h.demo.SetPlugged(demo.DevPrinter, true); err != nil {
		t.Fatal(err)
	}
	h.pumpWhile("the card prompt back", h.shows("请将身份证放在读卡区"))
}

// TestReaderDownOnTheIdleScreen: the reader gone, the idle screen says so, and the queue
// ticket (no card needed) stays on offer.
func TestReaderDownOnTheIdleScreen(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := supervisedHarness(t, nil)
	h.app.SetNetwork(NetState{Online: true})
	if err := h.demo.SetPlugged(demo.DevIDCard, false); err != nil {
		t.Fatal(err)
	}
	h.pumpWhile("the reader's notice", h.shows("身份证读卡器暂不可用"))
	// The scanner's line is opened by its first read, which may wait out the line's read
	// timeout (terminal.scannerWait): only the reader is down in the picture.
	h.pumpWhile("the scanner online", func() bool {
		for _, f := range h.term.Desk().Facilities() {
			if f.Facility == desk.FacilityScan && !f.Available {
				return false
			}
		}
		return !h.shows(h.app.T("service.blocked.scanner"))()
	})
	// The headline says what is wrong now, not to place a card (issue 12).
	if !h.shows("读卡器暂不可用")() || h.shows("请将身份证放在读卡区")() {
		t.Fatalf("headline with the reader unplugged:\n%s", h.text())
	}
	if b := h.app.Button("queue.button"); b == nil || b.Disabled() {
		t.Fatal("queue tickets withdrawn with the reader")
	}
	h.golden("idle_reader_down")
	if err := h.demo.SetPlugged(demo.DevIDCard, true); err != nil {
		t.Fatal(err)
	}
	h.pumpWhile("the notice gone", func() bool { return !h.shows("身份证读卡器暂不可用")() })
}

// TestTechnicianCardAtThePINPad: the PIN pad open, a card not on the allow list is refused on
// screen; the technician's card opens the menu without a PIN.
func TestTechnicianCardAtThePINPad(t *testing.T) {
	if ranApart(t) {
		return
	}
	hash, err := maint.HashCard("410403196804153016") // the resident-male persona stands in
	if err != nil {
		t.Fatal(err)
	}
	h := supervisedHarness(t, func(c *config.Config) { c.TechnicianCards = []string{hash} })
	h.app.SetNetwork(NetState{Online: true})
	for range gestureTaps {
		h.tap("hidden.gesture")
	}
	h.waitScreen(ScreenPIN)
	h.demo.PlaceCard("resident-female")
	h.pumpWhile("the refusal", h.shows("此证件未登记为本机技术员"))
	if _, ok := h.term.Desk().Person(); ok {
		t.Fatal("a card at the PIN pad started a taxpayer session")
	}
	h.demo.LiftCard()
	h.demo.PlaceCard("resident-male")
	h.pumpWhile("the maintenance menu", func() bool { return h.app.Screen() == ScreenMaint })
	h.term.Desk().ExitMaintenance(context.Background())
	pumpUntil[desk.MaintenanceChanged](h)
	h.waitScreen(ScreenIdle)
}

// TestMaintenanceFromKioskctl: maintenance entered over the control socket leaves no menu on
// the screen for anyone to use: taxpayers see the kiosk out of service.
func TestMaintenanceFromKioskctl(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.app.SetNetwork(NetState{Online: true})
	if err := h.term.Desk().EnterMaintenanceAs(context.Background(), "kioskctl"); err != nil {
		t.Fatal(err)
	}
	h.pumpWhile("the out-of-service screen", h.shows("技术人员正在维护本机"))
	if h.app.Screen() != ScreenIdle || h.app.Button("queue.button") != nil {
		t.Fatalf("screen %s offers service during maintenance", h.app.Screen())
	}
	h.term.Desk().ExitMaintenance(context.Background())
	h.pumpWhile("service back", h.shows("请将身份证放在读卡区"))
}
