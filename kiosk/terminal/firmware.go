package terminal

import (
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/hallapi"
)

// SetFirmware gives the kiosk its update agent: kioskctl's update operations reach it over
// the control socket, and the technician's board shows its state. Call it before Start.
func (t *Terminal) SetFirmware(f control.Firmware) {
	t.firmware = f
	t.menu.SetFirmware(f)
}

// Hall is the hall's client, for what talks to the hall beside the sync loop (firmware).
func (t *Terminal) Hall() *hallapi.Client { return t.hall }
