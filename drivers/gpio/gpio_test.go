package gpio_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	pgpio "periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/gpio/gpiosim"
)

// Generous bounds: tests wait for events, they never time them.
const waitLong = 10 * time.Second

type rig struct {
	presence, door, help, tower, ready *gpiosim.Pin
	aux                                *gpio.Aux
}

func newRig(t *testing.T, opts *gpio.Opts) *rig {
	t.Helper()
	r := &rig{
		presence: gpiosim.NewPin("GPIO17", 17, pgpio.Low),
		door:     gpiosim.NewPin("GPIO27", 27, pgpio.Low),
		help:     gpiosim.NewPin("GPIO22", 22, pgpio.Low),
		tower:    gpiosim.NewPin("GPIO23", 23, pgpio.Low),
		ready:    gpiosim.NewPin("GPIO24", 24, pgpio.Low),
	}
	aux, err := gpio.New(gpio.Pins{Presence: r.presence, Door: r.door, Help: r.help, TowerLight: r.tower,
		Indicators: map[string]pgpio.PinIO{"ready": r.ready}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.aux = aux
	t.Cleanup(func() { aux.Halt() })
	return r
}

func (r *rig) event(t *testing.T) gpio.Event {
	t.Helper()
	select {
	case e, ok := <-r.aux.Events():
		if !ok {
			t.Fatal("events closed")
		}
		return e
	case <-time.After(waitLong):
		t.Fatal("no event")
	}
	return gpio.Event{}
}

// quiet checks that no event comes within d, which must be several debounce times.
func (r *rig) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case e := <-r.aux.Events():
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(d):
	}
}

func TestDebounce(t *testing.T) {
	// A long debounce time makes a burst of toggles with no sleep in between certainly
	// shorter than it, however loaded the machine.
	const debounce = 300 * time.Millisecond
	r := newRig(t, &gpio.Opts{Debounce: debounce})

	for i := 0; i < 20; i++ { // contact bounce that ends where it started
		r.help.Set(pgpio.High)
		r.help.Set(pgpio.Low)
	}
	r.quiet(t, 4*debounce)

	for i := 0; i < 20; i++ { // a real press: bounce, then held
		r.help.Set(pgpio.High)
		r.help.Set(pgpio.Low)
	}
	r.help.Set(pgpio.High)
	if e := r.event(t); e.Input != gpio.Help || !e.Active {
		t.Fatalf("event %+v, want help pressed", e)
	}
	r.quiet(t, 4*debounce) // reported once

	st, err := r.aux.Inputs(context.Background())
	if err != nil || !st.Help || st.Presence || st.DoorOpen {
		t.Fatalf("Inputs = %+v, %v", st, err)
	}
	r.help.Set(pgpio.Low)
	if e := r.event(t); e.Input != gpio.Help || e.Active {
		t.Fatalf("event %+v, want help released", e)
	}
	if n := r.aux.Status().Counters["help"]; n != 1 {
		t.Fatalf("help counter = %d", n)
	}
}

func TestDoor(t *testing.T) {
	r := newRig(t, nil)
	sub, end := r.aux.Subscribe()
	defer end()
	r.door.Set(pgpio.High)
	if e := r.event(t); e.Input != gpio.Door || !e.Active {
		t.Fatalf("event %+v, want door open", e)
	}
	select {
	case st := <-sub:
		if !st.CoverOpen || st.Device != "gpio" || st.State != device.Online {
			t.Fatalf("status %+v", st)
		}
	case <-time.After(waitLong):
		t.Fatal("no status change for the open door")
	}
	r.door.Set(pgpio.Low)
	if e := r.event(t); e.Input != gpio.Door || e.Active {
		t.Fatalf("event %+v, want door closed", e)
	}
	if st := r.aux.Status(); st.CoverOpen || st.Counters["door_open"] != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestActiveLow(t *testing.T) {
	presence := gpiosim.NewPin("GPIO17", 17, pgpio.High) // idle high: nobody there
	tower := gpiosim.NewPin("GPIO23", 23, pgpio.Low)
	aux, err := gpio.New(gpio.Pins{Presence: presence, TowerLight: tower},
		&gpio.Opts{PresenceActiveLow: true, TowerLightActiveLow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer aux.Halt()
	if st, _ := aux.Inputs(context.Background()); st.Presence {
		t.Fatal("high active-low input read as active")
	}
	if presence.Pull() != pgpio.PullUp {
		t.Fatalf("active-low input pull = %s, want PullUp", presence.Pull())
	}
	presence.Set(pgpio.Low)
	select {
	case e := <-aux.Events():
		if e.Input != gpio.Presence || !e.Active {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(waitLong):
		t.Fatal("no presence event")
	}
	if err := aux.SetTowerLight(gpio.TowerOn); err != nil {
		t.Fatal(err)
	}
	outs := tower.Outs()
	if len(outs) != 2 || outs[0] != pgpio.High || outs[1] != pgpio.Low {
		t.Fatalf("active-low tower light driven %v, want [High Low] (off, then on)", outs)
	}
}

func TestTowerBlinkAndHalt(t *testing.T) {
	r := newRig(t, &gpio.Opts{BlinkPeriod: 20 * time.Millisecond})
	if err := r.aux.SetTowerLight(gpio.TowerBlink); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLong)
	for len(r.tower.Outs()) < 6 {
		if time.Now().After(deadline) {
			t.Fatalf("tower light driven only %v", r.tower.Outs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	outs := r.tower.Outs()
	for i := 2; i < len(outs); i++ { // outs[0] is the off from New
		if outs[i] == outs[i-1] {
			t.Fatalf("blink did not toggle: %v", outs)
		}
	}
	if err := r.aux.Halt(); err != nil {
		t.Fatal(err)
	}
	after := r.tower.Outs()
	if after[len(after)-1] != pgpio.Low {
		t.Fatal("Halt left the tower light on")
	}
	time.Sleep(100 * time.Millisecond) // five blink periods: a live blinker would have toggled
	if n := len(r.tower.Outs()); n != len(after) {
		t.Fatalf("tower light driven %d more times after Halt", n-len(after))
	}
	if _, ok := <-r.aux.Events(); ok {
		t.Fatal("Events not closed by Halt")
	}
	if err := r.aux.SetTowerLight(gpio.TowerOn); !errors.Is(err, gpio.ErrHalted) {
		t.Fatalf("after Halt: %v", err)
	}
}

func TestTowerModes(t *testing.T) {
	r := newRig(t, &gpio.Opts{BlinkPeriod: 20 * time.Millisecond})
	for _, m := range []gpio.TowerMode{gpio.TowerBlink, gpio.TowerOn, gpio.TowerOff, gpio.TowerBlink, gpio.TowerOff} {
		if err := r.aux.SetTowerLight(m); err != nil {
			t.Fatal(err)
		}
		if r.aux.TowerLight() != m {
			t.Fatalf("mode %s, want %s", r.aux.TowerLight(), m)
		}
	}
	n := len(r.tower.Outs())
	time.Sleep(100 * time.Millisecond)
	if outs := r.tower.Outs(); len(outs) != n || outs[n-1] != pgpio.Low {
		t.Fatalf("after off: %v", outs[n-1:])
	}
	if err := r.aux.SetTowerLight("disco"); !errors.Is(err, gpio.ErrMode) {
		t.Fatalf("bad mode: %v", err)
	}
}

func TestIndicators(t *testing.T) {
	r := newRig(t, nil)
	if err := r.aux.SetIndicator("ready", true); err != nil {
		t.Fatal(err)
	}
	if r.ready.Read() != pgpio.High {
		t.Fatal("indicator not on")
	}
	if err := r.aux.SetIndicator("printer_fault", true); !errors.Is(err, gpio.ErrNotFitted) {
		t.Fatalf("unknown indicator: %v", err)
	}
}

// TestPolledPin covers lines without edge detection: the driver falls back to sampling.
func TestPolledPin(t *testing.T) {
	door := gpiosim.NewPinNoEdges("GPIO27", 27, pgpio.Low)
	aux, err := gpio.New(gpio.Pins{Door: door}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer aux.Halt()
	door.Set(pgpio.High)
	select {
	case e := <-aux.Events():
		if e.Input != gpio.Door || !e.Active {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(waitLong):
		t.Fatal("no event from a polled pin")
	}
}

func TestString(t *testing.T) {
	r := newRig(t, &gpio.Opts{Names: gpio.PinNames{Door: "PA7"}})
	if s := r.aux.String(); s != "gpio(presence=GPIO17 door=PA7 help=GPIO22 tower=GPIO23 ready=GPIO24)" {
		t.Fatalf("String = %q", s)
	}
}

func TestOpenHostPinsNone(t *testing.T) {
	p, err := gpio.OpenHostPins(gpio.PinNames{})
	if err != nil || p.Presence != nil || p.Indicators != nil {
		t.Fatalf("OpenHostPins(no names) = %+v, %v", p, err)
	}
	if _, err := gpio.OpenHostPin("NO_SUCH_PIN_99"); !errors.Is(err, gpio.ErrNoPin) && !errors.Is(err, gpio.ErrHost) {
		t.Fatalf("OpenHostPin(bogus) = %v", err)
	}
}

func TestLines(t *testing.T) {
	r := newRig(t, nil)
	r.door.Set(pgpio.High)
	if e := r.event(t); e.Input != gpio.Door || !e.Active {
		t.Fatalf("event %+v", e)
	}
	r.aux.SetTowerLight(gpio.TowerBlink)
	r.aux.SetIndicator("ready", true)
	want := []gpio.Line{
		{Name: "presence", Fitted: true},
		{Name: "door", Fitted: true, Active: true},
		{Name: "help", Fitted: true},
		{Name: "tower_light", Output: true, Fitted: true, Active: true},
		{Name: "ready", Output: true, Fitted: true, Active: true},
	}
	if got := r.aux.Lines(); !slices.Equal(got, want) {
		t.Fatalf("Lines = %+v\nwant    %+v", got, want)
	}
	bare, err := gpio.New(gpio.Pins{Door: gpiosim.NewPin("GPIO27", 27, pgpio.Low)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Halt()
	if l := bare.Lines(); len(l) != 4 || l[0].Fitted || !l[1].Fitted || l[3].Fitted {
		t.Fatalf("a cabinet with only a door switch: %+v", l)
	}
}
