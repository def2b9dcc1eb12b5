package gpiosim

import (
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/pin"
)

// Pin is one simulated GPIO line.
type Pin struct {
	name string
	num  int
	// noEdges makes In refuse edge detection, like a line whose controller has none.
	noEdges bool

	edges chan struct{} // one pending edge
	wake  chan struct{} // Halt

	mu    sync.Mutex
	level gpio.Level
	pull  gpio.Pull
	edge  gpio.Edge
	out   bool
	outs  []gpio.Level
}

// NewPin returns a pin at level l, e.g. NewPin("GPIO17", 17, gpio.Low).
func NewPin(name string, num int, l gpio.Level) *Pin {
	return &Pin{name: name, num: num, level: l, edges: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
}

// NewPinNoEdges returns a pin whose In refuses edge detection, so that drivers fall back to
// polling it.
func NewPinNoEdges(name string, num int, l gpio.Level) *Pin {
	p := NewPin(name, num, l)
	p.noEdges = true
	return p
}

// Set drives the line from outside (a sensor, a switch, a finger on a button). A change of
// level signals an edge when In asked for edges of that direction.
func (p *Pin) Set(l gpio.Level) {
	p.mu.Lock()
	changed := p.level != l
	p.level = l
	e := p.edge
	p.mu.Unlock()
	if !changed {
		return
	}
	if e == gpio.BothEdges || e == gpio.RisingEdge && l == gpio.High || e == gpio.FallingEdge && l == gpio.Low {
		select {
		case p.edges <- struct{}{}:
		default:
		}
	}
}

// Outs returns every level written with Out, oldest first.
func (p *Pin) Outs() []gpio.Level {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]gpio.Level(nil), p.outs...)
}

// String implements conn.Resource.
func (p *Pin) String() string { return fmt.Sprintf("%s(%d)", p.name, p.num) }

// Halt implements conn.Resource: it ends a WaitForEdge in progress, which returns false.
func (p *Pin) Halt() error {
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return nil
}

// Name implements pin.Pin.
func (p *Pin) Name() string { return p.name }

// Number implements pin.Pin.
func (p *Pin) Number() int { return p.num }

// Function implements pin.Pin.
func (p *Pin) Function() string { return string(p.Func()) }

// Func implements pin.PinFunc.
func (p *Pin) Func() pin.Func {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.out {
		return gpio.OUT
	}
	return gpio.IN
}

// SupportedFuncs implements pin.PinFunc.
func (p *Pin) SupportedFuncs() []pin.Func { return []pin.Func{gpio.IN, gpio.OUT} }

// SetFunc implements pin.PinFunc.
func (p *Pin) SetFunc(f pin.Func) error {
	switch f {
	case gpio.IN:
		return p.In(gpio.PullNoChange, gpio.NoEdge)
	case gpio.OUT:
		return p.Out(p.Read())
	}
	return fmt.Errorf("gpiosim: %s: function %s not supported", p, f)
}

// In implements gpio.PinIn. Pulls are recorded but do not move the level: the simulated
// world outside drives it.
func (p *Pin) In(pull gpio.Pull, edge gpio.Edge) error {
	if edge != gpio.NoEdge && p.noEdges {
		return fmt.Errorf("%w: %s", ErrNoEdges, p)
	}
	p.mu.Lock()
	p.out = false
	p.pull = pull
	p.edge = edge
	p.mu.Unlock()
	select { // In empties accumulated edges
	case <-p.edges:
	default:
	}
	return nil
}

// Read implements gpio.PinIn.
func (p *Pin) Read() gpio.Level {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.level
}

// WaitForEdge implements gpio.PinIn.
func (p *Pin) WaitForEdge(timeout time.Duration) bool {
	var after <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		after = t.C
	}
	select {
	case <-p.edges:
		return true
	case <-p.wake:
		return false
	case <-after:
		return false
	}
}

// Pull implements gpio.PinIn.
func (p *Pin) Pull() gpio.Pull {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pull
}

// DefaultPull implements gpio.PinIn.
func (p *Pin) DefaultPull() gpio.Pull { return gpio.PullNoChange }

// Out implements gpio.PinOut.
func (p *Pin) Out(l gpio.Level) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out = true
	p.level = l
	p.outs = append(p.outs, l)
	return nil
}

// PWM implements gpio.PinOut; simulated pins have no PWM.
func (p *Pin) PWM(gpio.Duty, physic.Frequency) error {
	return fmt.Errorf("gpiosim: %s: no PWM", p)
}

var _ gpio.PinIO = (*Pin)(nil)
var _ pin.PinFunc = (*Pin)(nil)
