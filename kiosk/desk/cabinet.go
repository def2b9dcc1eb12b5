package desk

import (
	"context"
	"sync"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/clock"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Cabinet is the kiosk's digital I/O as the desk uses it: the presence sensor, the cabinet
// door switch, the help button and the tower light.
type Cabinet interface {
	Events() <-chan gpio.Event
	SetTowerLight(mode gpio.TowerMode) error
}

// helpLight is how long the tower light blinks after a call for the expert seat: long
// enough for the seat to see it from across the hall.
const helpLight = 3 * time.Minute

// cabinetEvent reacts to one debounced input change.
func (d *Desk) cabinetEvent(ctx context.Context, e gpio.Event) {
	switch e.Input {
	case gpio.Presence:
		d.emit(PresenceChanged{Present: e.Active})
	case gpio.Help:
		if e.Active {
			d.CallHelp(ctx, "button")
		}
	case gpio.Door:
		d.doorChanged(ctx, e.Active)
	}
}

// CallHelp calls the hall's expert seat: a help request travels to the hall like any
// transaction (with the taxpayer when one is identified, so the seat knows whom to serve),
// and the tower light blinks. The number identifies the call for the screen.
func (d *Desk) CallHelp(ctx context.Context, source string) (number string, err error) {
	tp, _ := d.sess.Taxpayer()
	w := d.noted()
	out, err := d.record(ctx, txn.KindHelpRequest, tp, hallapi.HelpBody{Source: source, Session: tp != nil, Screen: w.screen, LastError: w.lastError})
	if err != nil {
		return "", err
	}
	d.tower.update(func(t *towerState) { t.helpUntil = d.clock.Now().Add(helpLight) })
	d.clock.AfterFunc(helpLight, func() { d.tower.update(nil) })
	number = counter.ReceiptNumber(out.Seq) // the seat's page shows the same (txn.ReceiptNumber)
	stop := d.help.open(out.TxnID, number, tp != nil)
	d.emit(HelpCalled{Number: number})
	go d.watchHelp(out.TxnID, number, stop) // the seat's accept stops the blinking
	return number, nil
}

// doorChanged records the cabinet door opening as a tamper alarm for the hall and keeps the
// tower light on while it stands open.
func (d *Desk) doorChanged(ctx context.Context, open bool) {
	d.doorOpen.Store(open)
	d.emit(DoorChanged{Open: open})
	d.tower.update(func(t *towerState) { t.door = open }) // left open after maintenance, it stays lit
	if d.maint.Load() {
		return // a technician at work opens the door: no alarm
	}
	if !open {
		d.log.Info("desk: cabinet door closed")
		return
	}
	d.log.Warn("desk: cabinet door opened: tamper alarm")
	d.record(ctx, txn.KindTamper, nil, map[string]any{"door": "open", "session": d.sess.Active()}) // logs a failure
}

// towerState is every reason the tower light shows something. The light is derived from all
// of them at once, so that one reason ending (the help call's blinking) never puts out a
// light another reason still needs (the kiosk out of service).
type towerState struct {
	helpUntil time.Time // the expert seat was called: blink until then
	door      bool      // the cabinet door stands open outside maintenance: tamper
	maint     bool      // a technician has the kiosk
	oos       bool      // the kiosk put itself out of service
}

func (t towerState) mode(now time.Time) gpio.TowerMode {
	switch {
	case now.Before(t.helpUntil):
		return gpio.TowerBlink
	case t.door || t.maint || t.oos:
		return gpio.TowerOn
	}
	return gpio.TowerOff
}

// tower drives the tower light from towerState.
type tower struct {
	mu    sync.Mutex
	st    towerState
	shown gpio.TowerMode
	cab   Cabinet
	clock clock.Clock
	log   interface{ Warn(string, ...any) }
}

// update changes the state with f (nil: only the time moved on) and sets the light when its
// mode changed.
func (t *tower) update(f func(*towerState)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f != nil {
		f(&t.st)
	}
	mode := t.st.mode(t.clock.Now())
	if t.cab == nil || mode == t.shown {
		return
	}
	if err := t.cab.SetTowerLight(mode); err != nil {
		t.log.Warn("desk: tower light", "mode", mode, "err", err)
		return // tried again on the next change
	}
	t.shown = mode
}
