package terminal

import "taxkiosk/kiosk/tech"

// FirmwareBoard is the firmware's state for the technician's board: the running version, a
// trial or a version waiting for the idle screen, and the last update steps; the zero value
// when the kiosk runs without its update agent (tests, the demo).
func (t *Terminal) FirmwareBoard() tech.Firmware {
	if t.Firmware == nil {
		return tech.Firmware{}
	}
	return t.Firmware.Board()
}
