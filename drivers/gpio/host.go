package gpio

import (
	"fmt"

	pgpio "periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

// OpenHostPins resolves the configured names to the host's pins through periph's host
// drivers. Empty names stay nil (not fitted). Only main should call it: periph registers the
// host's pins process-wide.
func OpenHostPins(names PinNames) (Pins, error) {
	var p Pins
	var err error
	for _, r := range []struct {
		name string
		dst  *pgpio.PinIO
	}{{names.Presence, &p.Presence}, {names.Door, &p.Door}, {names.Help, &p.Help}, {names.TowerLight, &p.TowerLight}} {
		if r.name == "" {
			continue
		}
		if *r.dst, err = OpenHostPin(r.name); err != nil {
			return Pins{}, err
		}
	}
	if len(names.Indicators) > 0 {
		p.Indicators = make(map[string]pgpio.PinIO, len(names.Indicators))
		for ind, name := range names.Indicators {
			if p.Indicators[ind], err = OpenHostPin(name); err != nil {
				return Pins{}, err
			}
		}
	}
	return p, nil
}

// OpenHostPin resolves one pin name, such as a scan engine's trigger line.
func OpenHostPin(name string) (pgpio.PinIO, error) {
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHost, err)
	}
	p := gpioreg.ByName(name)
	if p == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoPin, name)
	}
	return p, nil
}
