package terminal_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/txn"
)

// Supervision rules, one test each: a device goes down, what rests on it is disabled with its
// reason; the device comes back, and so does what rests on it, with nobody touching the kiosk.

func supervised(t *testing.T, outOfServiceAfter time.Duration) *kiosk {
	return newKioskWith(t, func(o *terminal.Opts) {
		o.SuperviseEvery = 200 * time.Millisecond
		o.OutOfServiceAfter = outOfServiceAfter
	})
}

func (k *kiosk) facility(f desk.Facility) desk.FacilityState {
	for _, s := range k.term.Desk().Facilities() {
		if s.Facility == f {
			return s
		}
	}
	k.t.Fatalf("no facility %s", f)
	return desk.FacilityState{}
}

func (k *kiosk) allServices(available bool, reason string) func() bool {
	return func() bool {
		for _, s := range k.term.Desk().Services() {
			if s.Available != available || s.ReasonKey != reason {
				return false
			}
		}
		return true
	}
}

// drain drops the events waiting for the screens.
func (k *kiosk) drain() {
	for {
		select {
		case <-k.term.Desk().Events():
		default:
			return
		}
	}
}

// auditActions counts the audit transactions the hall stored, by action.
func (k *kiosk) auditActions() map[string]int {
	entries, err := k.demo.Hall.List(context.Background())
	if err != nil {
		k.t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range entries {
		var body struct{ Action string }
		if e.Txn.Kind == txn.KindAudit && json.Unmarshal(e.Txn.Body, &body) == nil {
			n[body.Action]++
		}
	}
	return n
}

func (k *kiosk) plug(dev string, in bool) {
	k.t.Helper()
	if err := k.demo.SetPlugged(dev, in); err != nil {
		k.t.Fatal(err)
	}
}

func TestRulePaperOutDisablesEveryServiceUntilReloaded(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Hour)
	if err := k.demo.SetPaper("end"); err != nil {
		t.Fatal(err)
	}
	k.waitFor("every service to wait for paper", k.allServices(false, "service.blocked.paper_out"))
	if f := k.facility(desk.FacilityQueue); f.Available || f.ReasonKey != "service.blocked.paper_out" {
		t.Fatalf("queue tickets while out of paper: %+v", f)
	}
	if k.term.Desk().OutOfService() != "" {
		t.Fatal("out of service before the grace ran out")
	}
	k.demo.SetPaper("ok")
	k.waitFor("every service back", k.allServices(true, ""))
	k.waitFor("queue tickets back", func() bool { return k.facility(desk.FacilityQueue).Available })
}

func TestRuleNoPrintingTakesTheKioskOutOfService(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Second)
	k.plug(demo.DevPrinter, false)
	k.waitFor("the kiosk to go out of service", func() bool { return k.term.Desk().OutOfService() == "service.blocked.offline" })
	if got := k.demo.TowerLight(); got != gpio.TowerOn {
		t.Fatalf("tower light %s while out of service", got)
	}
	// A card placed now is not read: nobody starts what cannot end with a receipt.
	k.demo.PlaceCard("resident-male")
	time.Sleep(time.Second)
	if _, ok := k.term.Desk().Person(); ok {
		t.Fatal("a session started while out of service")
	}
	k.demo.LiftCard()

	k.plug(demo.DevPrinter, true)
	k.waitFor("the kiosk back in service", func() bool { return k.term.Desk().OutOfService() == "" })
	k.waitFor("the tower light off", func() bool { return k.demo.TowerLight() == gpio.TowerOff })
	k.waitFor("both changes recorded for the hall", func() bool {
		a := k.auditActions()
		return a["out_of_service"] == 1 && a["back_in_service"] == 1
	})
	k.identify("resident-male") // taxpayers are served again
}

func TestRuleOutOfServiceNeverCutsASession(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Second)
	k.identify("resident-male")
	k.plug(demo.DevPrinter, false)
	k.waitFor("the kiosk to go out of service", func() bool { return k.term.Desk().OutOfService() != "" })
	time.Sleep(time.Second)
	if _, ok := k.term.Desk().Person(); !ok {
		t.Fatal("going out of service ended the taxpayer's session")
	}
	if k.term.Desk().Services()[0].Available {
		t.Fatal("a service offered while nothing can print")
	}
}

func TestRuleReaderDownDisablesIdentification(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Hour)
	k.plug(demo.DevIDCard, false)
	k.waitFor("identification to be disabled", func() bool {
		f := k.facility(desk.FacilityIdentify)
		return !f.Available && f.ReasonKey == "service.blocked.reader"
	})
	k.plug(demo.DevIDCard, true)
	k.waitFor("identification back", func() bool { return k.facility(desk.FacilityIdentify).Available })
	k.drain() // the failed reads' notices while it was away
	k.identify("resident-female")
}

func TestRuleScannerDownDisablesScanning(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Hour)
	k.plug(demo.DevScanner, false)
	k.waitFor("scanning to be disabled", func() bool {
		f := k.facility(desk.FacilityScan)
		return !f.Available && f.ReasonKey == "service.blocked.scanner"
	})
	k.plug(demo.DevScanner, true)
	k.waitFor("scanning back", func() bool { return k.facility(desk.FacilityScan).Available })
}

func TestRuleLinkDownDisablesOnlineOnlyServices(t *testing.T) {
	t.Parallel()
	k := supervised(t, time.Hour)
	cert := func() desk.Availability {
		for _, s := range k.term.Desk().Services() {
			if s.Service == desk.ServiceCertificate {
				return s
			}
		}
		t.Fatal("no certificate service")
		return desk.Availability{}
	}
	k.waitFor("certificates offered online", func() bool { return cert().Available })
	k.demo.SetLink(false)
	k.waitFor("certificates to wait for the hall", func() bool {
		return !cert().Available && cert().ReasonKey == "policy.online_only"
	})
	k.demo.SetLink(true)
	k.waitFor("certificates back", func() bool { return cert().Available })
}
