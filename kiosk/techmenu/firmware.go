package techmenu

import (
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/tech"
)

// SetFirmware gives the menu the kiosk's update agent, whose state the board shows.
func (m *Menu) SetFirmware(f control.Firmware) {
	if f == nil {
		m.firmware.Store(nil)
		return
	}
	m.firmware.Store(&f)
}

// FirmwareBoard is the firmware's state for the technician's board: the running version, a
// trial or a version waiting for the idle screen, and the last update steps; the zero value
// when the kiosk runs without its update agent (tests, the demo).
func (m *Menu) FirmwareBoard() tech.Firmware {
	f := m.firmware.Load()
	if f == nil {
		return tech.Firmware{}
	}
	return (*f).Board()
}
