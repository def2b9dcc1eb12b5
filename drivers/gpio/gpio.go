package gpio

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	pgpio "periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/device"
)

// Input names a kiosk input.
type Input string

const (
	Presence Input = "presence" // someone stands at the kiosk
	Door     Input = "door"     // the cabinet door is open
	Help     Input = "help"     // the help button is pressed
)

// Event is a debounced change of an input.
type Event struct {
	Input  Input     `json:"input"`
	Active bool      `json:"active"` // present, open, pressed
	At     time.Time `json:"at"`     // when the level changed, before debouncing confirmed it
}

// State is the debounced state of every input.
type State struct {
	Presence bool `json:"presence"`
	DoorOpen bool `json:"door_open"`
	Help     bool `json:"help"`
}

// TowerMode is what the tower light shows.
type TowerMode string

const (
	TowerOff   TowerMode = "off"
	TowerOn    TowerMode = "on"
	TowerBlink TowerMode = "blink"
)

// Defaults for the zero values of Opts.
const (
	DefaultDebounce    = 30 * time.Millisecond
	DefaultBlinkPeriod = time.Second
	DefaultPoll        = 10 * time.Millisecond
	// idleWait bounds one WaitForEdge, so that Halt is noticed even on pins it cannot interrupt.
	idleWait = 250 * time.Millisecond
	// eventQueue is how many events wait for a slow consumer before the oldest are dropped.
	eventQueue = 64
)

// PinNames names the host pins, e.g. "GPIO17"; an empty name means not fitted.
type PinNames struct {
	Presence, Door, Help, TowerLight string
	Indicators                       map[string]string // indicator name -> pin name
}

// Pins are the resolved pins; a nil pin means not fitted.
type Pins struct {
	Presence, Door, Help, TowerLight pgpio.PinIO
	Indicators                       map[string]pgpio.PinIO
}

// Opts configures an Aux. A nil *Opts means every zero value below.
type Opts struct {
	// Names are the configured pin names, for String and for OpenHostPins; zero means the
	// pins' own names.
	Names PinNames
	// Active-low flags: the function is active when the pin reads low. Zero means active high.
	PresenceActiveLow, DoorActiveLow, HelpActiveLow, TowerLightActiveLow bool
	// IndicatorActiveLow holds the active-low flag per indicator name; missing means active high.
	IndicatorActiveLow map[string]bool
	// Debounce is how long an input level must hold to count; zero means DefaultDebounce.
	Debounce time.Duration
	// BlinkPeriod is one on+off cycle of the blinking tower light; zero means DefaultBlinkPeriod.
	BlinkPeriod time.Duration
	// Poll is the sampling interval for pins without edge detection; zero means DefaultPoll.
	Poll time.Duration
	// Now stamps events and status; nil means time.Now.
	Now func() time.Time
}

type input struct {
	name      Input
	pin       pgpio.PinIO
	activeLow bool
	polled    bool // no edge detection on this pin
	initial   bool // the level New read, where the watcher starts from
}

// Aux is the kiosk's digital I/O.
type Aux struct {
	pins Pins
	o    Opts
	mon  *device.Monitor

	events chan Event
	stop   chan struct{}
	wg     sync.WaitGroup // input watchers

	emitMu sync.Mutex // one sender at a time keeps drop-oldest correct

	mu         sync.Mutex
	state      State
	halted     bool
	tower      TowerMode
	blinkStop  chan struct{}
	blinkDone  chan struct{}
	indicators map[string]bool
}

// New configures the pins, reads the initial input levels, turns every output off and starts
// one watcher goroutine per fitted input.
func New(pins Pins, opts *Opts) (*Aux, error) {
	a := &Aux{pins: pins, events: make(chan Event, eventQueue), stop: make(chan struct{}), tower: TowerOff, indicators: map[string]bool{}}
	if opts != nil {
		a.o = *opts
	}
	if a.o.Debounce <= 0 {
		a.o.Debounce = DefaultDebounce
	}
	if a.o.BlinkPeriod <= 0 {
		a.o.BlinkPeriod = DefaultBlinkPeriod
	}
	if a.o.Poll <= 0 {
		a.o.Poll = DefaultPoll
	}
	if a.o.Now == nil {
		a.o.Now = time.Now
	}
	a.mon = device.NewMonitor("gpio", a.o.Now)

	if err := a.out(pins.TowerLight, a.o.TowerLightActiveLow, false); err != nil {
		return nil, err
	}
	for name, p := range pins.Indicators {
		if err := a.out(p, a.o.IndicatorActiveLow[name], false); err != nil {
			return nil, err
		}
	}
	var ins []*input
	for _, in := range []*input{
		{name: Presence, pin: pins.Presence, activeLow: a.o.PresenceActiveLow},
		{name: Door, pin: pins.Door, activeLow: a.o.DoorActiveLow},
		{name: Help, pin: pins.Help, activeLow: a.o.HelpActiveLow},
	} {
		if in.pin == nil {
			continue
		}
		if err := configureInput(in); err != nil {
			return nil, err
		}
		in.initial = in.active()
		a.setState(in.name, in.initial)
		ins = append(ins, in)
	}
	st := a.state
	a.mon.Update(func(s *device.Status) {
		s.State = device.Online
		s.CoverOpen = st.DoorOpen
	})
	for _, in := range ins {
		a.wg.Add(1)
		go a.watch(in)
	}
	return a, nil
}

// configureInput asks for edges with the pull the wiring suggests, and settles for less: no
// pull where the SoC cannot set one, polling where the line has no edge detection.
func configureInput(in *input) error {
	pull := pgpio.PullDown
	if in.activeLow {
		pull = pgpio.PullUp
	}
	var err error
	for _, try := range []struct {
		pull pgpio.Pull
		edge pgpio.Edge
	}{{pull, pgpio.BothEdges}, {pgpio.PullNoChange, pgpio.BothEdges}, {pull, pgpio.NoEdge}, {pgpio.PullNoChange, pgpio.NoEdge}} {
		if err = in.pin.In(try.pull, try.edge); err == nil {
			in.polled = try.edge == pgpio.NoEdge
			return nil
		}
	}
	return fmt.Errorf("%w: %s input %s: %v", ErrPin, in.name, in.pin, err)
}

func (in *input) active() bool { return (in.pin.Read() == pgpio.High) != in.activeLow }

// watch debounces one input: a new level becomes the state once it has held, with no edge in
// between, for the debounce time.
func (a *Aux) watch(in *input) {
	defer a.wg.Done()
	stable := in.initial
	pending := false
	var since time.Time // monotonic: when the pending level appeared
	var at time.Time    // the same instant on the injected clock, for the event
	for {
		wait := idleWait
		if pending {
			wait = max(a.o.Debounce-time.Since(since), time.Millisecond)
		}
		edge := false
		if in.polled {
			wait = min(wait, a.o.Poll)
			t := time.NewTimer(wait)
			select {
			case <-a.stop:
				t.Stop()
				return
			case <-t.C:
			}
		} else {
			edge = in.pin.WaitForEdge(wait)
			select {
			case <-a.stop:
				return
			default:
			}
		}
		active := in.active()
		switch {
		case active == stable:
			pending = false
		case !pending || edge: // a new level, or the line moved again: the window restarts
			pending, since, at = true, time.Now(), a.o.Now()
		case time.Since(since) >= a.o.Debounce:
			stable, pending = active, false
			a.emit(Event{Input: in.name, Active: active, At: at})
		}
	}
}

func (a *Aux) setState(in Input, active bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch in {
	case Presence:
		a.state.Presence = active
	case Door:
		a.state.DoorOpen = active
	case Help:
		a.state.Help = active
	}
}

func (a *Aux) emit(e Event) {
	a.setState(e.Input, e.Active)
	if e.Active {
		a.mon.Count(map[Input]string{Presence: "presence", Door: "door_open", Help: "help"}[e.Input], 1)
	}
	if e.Input == Door {
		a.mon.Update(func(s *device.Status) { s.CoverOpen = e.Active })
	}
	a.emitMu.Lock()
	defer a.emitMu.Unlock()
	for {
		select {
		case a.events <- e:
			return
		default:
		}
		select { // full: the oldest event goes, the newest state matters more
		case <-a.events:
			a.mon.Count("events_dropped", 1)
		default:
		}
	}
}

// Events delivers debounced input changes. It is closed by Halt.
func (a *Aux) Events() <-chan Event { return a.events }

// Inputs returns the debounced state of every input (false for inputs not fitted).
func (a *Aux) Inputs(ctx context.Context) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.halted {
		return State{}, ErrHalted
	}
	return a.state, nil
}

// SetTowerLight switches the tower light off, on, or blinking.
func (a *Aux) SetTowerLight(mode TowerMode) error {
	if a.pins.TowerLight == nil {
		return fmt.Errorf("%w: tower light", ErrNotFitted)
	}
	switch mode {
	case TowerOff, TowerOn, TowerBlink:
	default:
		return fmt.Errorf("%w: %q", ErrMode, mode)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.halted {
		return ErrHalted
	}
	a.stopBlinkLocked()
	a.tower = mode
	if mode == TowerBlink {
		a.blinkStop, a.blinkDone = make(chan struct{}), make(chan struct{})
		go a.blink(a.blinkStop, a.blinkDone)
		return nil
	}
	return a.out(a.pins.TowerLight, a.o.TowerLightActiveLow, mode == TowerOn)
}

func (a *Aux) stopBlinkLocked() {
	if a.blinkStop != nil {
		close(a.blinkStop)
		<-a.blinkDone
		a.blinkStop, a.blinkDone = nil, nil
	}
}

func (a *Aux) blink(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(a.o.BlinkPeriod / 2)
	defer t.Stop()
	on := true
	for {
		if err := a.out(a.pins.TowerLight, a.o.TowerLightActiveLow, on); err != nil {
			a.mon.Fail(device.HWError, "tower_light", "", err)
		}
		select {
		case <-stop:
			return
		case <-t.C:
			on = !on
		}
	}
}

// TowerLight returns the tower light's mode.
func (a *Aux) TowerLight() TowerMode {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tower
}

// SetIndicator switches the named indicator light.
func (a *Aux) SetIndicator(name string, on bool) error {
	p := a.pins.Indicators[name]
	if p == nil {
		return fmt.Errorf("%w: indicator %q", ErrNotFitted, name)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.halted {
		return ErrHalted
	}
	if err := a.out(p, a.o.IndicatorActiveLow[name], on); err != nil {
		return err
	}
	a.indicators[name] = on
	return nil
}

func (a *Aux) out(p pgpio.PinIO, activeLow, on bool) error {
	if p == nil {
		return nil
	}
	if err := p.Out(pgpio.Level(on != activeLow)); err != nil {
		err = fmt.Errorf("%w: output %s: %v", ErrPin, p, err)
		a.mon.Fail(device.HWError, "pin", p.Name(), err)
		return err
	}
	return nil
}

// Status returns the status: "gpio", CoverOpen for the door, counters "presence",
// "door_open", "help" (activations) and "events_dropped".
func (a *Aux) Status() device.Status { return a.mon.Status() }

// Subscribe returns a channel of status changes and the function that ends the subscription.
func (a *Aux) Subscribe() (<-chan device.Status, func()) { return a.mon.Subscribe() }

// Halt stops the watchers and the blinking, joins their goroutines, switches every output
// off and closes Events. Later calls do nothing.
func (a *Aux) Halt() error {
	a.mu.Lock()
	if a.halted {
		a.mu.Unlock()
		return nil
	}
	a.halted = true
	a.stopBlinkLocked()
	a.mu.Unlock()
	close(a.stop)
	for _, p := range []pgpio.PinIO{a.pins.Presence, a.pins.Door, a.pins.Help} {
		if p != nil {
			_ = p.Halt() // interrupts a WaitForEdge where the pin driver can
		}
	}
	a.wg.Wait()
	close(a.events)
	err := a.out(a.pins.TowerLight, a.o.TowerLightActiveLow, false)
	for name, p := range a.pins.Indicators {
		if e := a.out(p, a.o.IndicatorActiveLow[name], false); err == nil {
			err = e
		}
	}
	a.mon.Update(func(s *device.Status) { s.State = device.Offline })
	return err
}

// Line is one of the cabinet's lines as it is now.
type Line struct {
	Name   string // "presence", "door", "help", "tower_light" or an indicator's name
	Output bool
	Fitted bool
	Active bool // present, open, pressed; lit (a blinking tower light counts as lit)
}

// Lines lists every line: the inputs' debounced levels, the tower light and the indicators
// as last set, indicators by name. Lines not fitted are listed, except indicators.
func (a *Aux) Lines() []Line {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []Line{
		{Name: string(Presence), Fitted: a.pins.Presence != nil, Active: a.state.Presence},
		{Name: string(Door), Fitted: a.pins.Door != nil, Active: a.state.DoorOpen},
		{Name: string(Help), Fitted: a.pins.Help != nil, Active: a.state.Help},
		{Name: "tower_light", Output: true, Fitted: a.pins.TowerLight != nil, Active: a.tower != TowerOff && a.tower != ""},
	}
	names := make([]string, 0, len(a.pins.Indicators))
	for n := range a.pins.Indicators {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Line{Name: n, Output: true, Fitted: true, Active: a.indicators[n]})
	}
	return out
}

// String lists the fitted pins, e.g. "gpio(presence=GPIO17 door=GPIO27 tower=GPIO23)".
func (a *Aux) String() string {
	var parts []string
	add := func(role, configured string, p pgpio.PinIO) {
		if p == nil {
			return
		}
		if configured == "" {
			configured = p.Name()
		}
		parts = append(parts, role+"="+configured)
	}
	add("presence", a.o.Names.Presence, a.pins.Presence)
	add("door", a.o.Names.Door, a.pins.Door)
	add("help", a.o.Names.Help, a.pins.Help)
	add("tower", a.o.Names.TowerLight, a.pins.TowerLight)
	names := make([]string, 0, len(a.pins.Indicators))
	for n := range a.pins.Indicators {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		add(n, a.o.Names.Indicators[n], a.pins.Indicators[n])
	}
	return "gpio(" + strings.Join(parts, " ") + ")"
}
