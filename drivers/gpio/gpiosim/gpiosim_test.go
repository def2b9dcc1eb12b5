package gpiosim

import (
	"errors"
	"testing"

	"periph.io/x/conn/v3/gpio"
)

func TestEdges(t *testing.T) {
	p := NewPin("GPIO4", 4, gpio.Low)
	if err := p.In(gpio.PullUp, gpio.RisingEdge); err != nil {
		t.Fatal(err)
	}
	p.Set(gpio.Low) // no change, no edge
	if p.WaitForEdge(0) {
		t.Fatal("edge without a change")
	}
	p.Set(gpio.High)
	p.Set(gpio.Low) // falling: not asked for
	p.Set(gpio.High)
	if !p.WaitForEdge(-1) || p.Read() != gpio.High {
		t.Fatal("rising edge missed")
	}
	if p.WaitForEdge(0) {
		t.Fatal("two rising edges not coalesced into one")
	}
	p.Halt()
	if p.WaitForEdge(-1) {
		t.Fatal("Halt did not end WaitForEdge")
	}
	if p.Pull() != gpio.PullUp {
		t.Fatal("pull not recorded")
	}
}

func TestNoEdges(t *testing.T) {
	p := NewPinNoEdges("GPIO4", 4, gpio.Low)
	if err := p.In(gpio.PullNoChange, gpio.BothEdges); !errors.Is(err, ErrNoEdges) {
		t.Fatalf("In = %v", err)
	}
	if err := p.In(gpio.PullNoChange, gpio.NoEdge); err != nil {
		t.Fatal(err)
	}
}

func TestOut(t *testing.T) {
	p := NewPin("GPIO4", 4, gpio.Low)
	p.Out(gpio.High)
	p.Out(gpio.Low)
	if outs := p.Outs(); len(outs) != 2 || outs[0] != gpio.High || p.Read() != gpio.Low || p.Func() != gpio.OUT {
		t.Fatalf("outs %v", outs)
	}
}
