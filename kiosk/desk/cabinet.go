package desk

import (
	"context"
	"time"

	"taxkiosk/drivers/gpio"
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
	t, err := d.accept(ctx, txn.KindHelpRequest, tp, map[string]any{"source": source, "session": tp != nil})
	if err != nil {
		return "", err
	}
	d.light(gpio.TowerBlink, helpLight)
	d.emit(HelpCalled{Number: ReceiptNumber(t.Seq)})
	return ReceiptNumber(t.Seq), nil
}

// doorChanged records the cabinet door opening as a tamper alarm for the hall and keeps the
// tower light on while it stands open.
func (d *Desk) doorChanged(ctx context.Context, open bool) {
	d.emit(DoorChanged{Open: open})
	if d.maint.Load() {
		return // a technician at work opens the door: no alarm, the light stays as it is
	}
	if !open {
		d.log.Info("desk: cabinet door closed")
		d.light(gpio.TowerOff, 0)
		return
	}
	d.log.Warn("desk: cabinet door opened: tamper alarm")
	d.accept(ctx, txn.KindTamper, nil, map[string]any{"door": "open", "session": d.sess.Active()}) // logs a failure
	d.light(gpio.TowerOn, 0)
}

// light sets the tower light, and turns it off again after d when d > 0.
func (d *Desk) light(mode gpio.TowerMode, after time.Duration) {
	if d.opts.Cabinet == nil {
		return
	}
	if err := d.opts.Cabinet.SetTowerLight(mode); err != nil {
		d.log.Warn("desk: tower light", "mode", mode, "err", err)
	}
	if after > 0 {
		time.AfterFunc(after, func() { d.opts.Cabinet.SetTowerLight(gpio.TowerOff) })
	}
}
