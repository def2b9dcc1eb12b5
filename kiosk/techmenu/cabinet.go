package techmenu

import (
	"context"
	"fmt"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/tech"
)

// The cabinet's richer side, as *gpio.Aux has it; a simpler Cabinet lacks it.
type (
	lineLister   interface{ Lines() []gpio.Line }
	towerReader  interface{ TowerLight() gpio.TowerMode }
	indicatorSet interface {
		SetIndicator(name string, on bool) error
	}
)

// Pins is the cabinet's lines as they are now: the inputs' debounced levels and the outputs'
// last set state. A kiosk without cabinet I/O, or with one that cannot list its lines, has
// none.
func (m *Menu) Pins() []tech.Pin {
	l, ok := m.p.Cabinet.(lineLister)
	if !ok {
		return nil
	}
	var out []tech.Pin
	for _, line := range l.Lines() {
		p := tech.Pin{Name: line.Name, Output: line.Output, Fitted: line.Fitted, Active: line.Active}
		if r, ok := m.p.Cabinet.(towerReader); ok && line.Name == "tower_light" {
			p.Mode = string(r.TowerLight())
		}
		out = append(out, p)
	}
	return out
}

func pinText(p tech.Pin) string {
	switch {
	case !p.Fitted:
		return "not_fitted"
	case p.Mode != "":
		return p.Mode
	case p.Active:
		return "active"
	}
	return "inactive"
}

// SetOutput switches the tower light ("tower_light": on or off) or a named indicator, and
// records it for the hall.
func (m *Menu) SetOutput(ctx context.Context, name string, on bool) error {
	var err error
	switch {
	case m.p.Cabinet == nil:
		err = fmt.Errorf("%w: no cabinet I/O fitted", ErrNoCabinet)
	case name == "tower_light":
		mode := gpio.TowerOff
		if on {
			mode = gpio.TowerOn
		}
		err = m.p.Cabinet.SetTowerLight(mode)
	default:
		s, ok := m.p.Cabinet.(indicatorSet)
		if !ok {
			err = fmt.Errorf("%w: %q", ErrNoCabinet, name)
			break
		}
		err = s.SetIndicator(name, on)
	}
	m.p.Desk.Audit(ctx, "set_output", map[string]any{"output": name, "on": on, "ok": err == nil})
	return err
}
