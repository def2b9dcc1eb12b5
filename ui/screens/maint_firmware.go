package screens

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"taxkiosk/kiosk/tech"
)

// firmwareBoard is the technician's side as far as updates go (package terminal has it).
type firmwareBoard interface{ FirmwareBoard() tech.Firmware }

// addFirmware adds the firmware's rows to the devices page: the running version, a version
// on trial (amber) or waiting for the idle screen, and the last update step, red when it was a
// refusal or a rollback. A kiosk that has never seen an update shows nothing.
func (a *App) addFirmware(board *fyne.Container) {
	fb, ok := a.tech.(firmwareBoard)
	if !ok {
		return
	}
	f := fb.FirmwareBoard()
	if f.Sequence == 0 && len(f.Steps) == 0 && f.Pending == 0 {
		return
	}
	running := a.T("maint.firmware.packaged")
	if f.Sequence > 0 {
		running = a.T("maint.firmware.version", "seq", fmt.Sprint(f.Sequence))
	}
	t := toneOK
	if f.Trial {
		t, running = toneWarn, running+" · "+a.T("maint.firmware.trial", "time", a.stamp(f.TrialUntil))
	}
	if f.Pending > 0 {
		running += " · " + a.T("maint.firmware.pending", "seq", fmt.Sprint(f.Pending))
	}
	board.Add(a.infoRow(t, a.T("maint.firmware"), running))
	if len(f.Steps) == 0 {
		return
	}
	last := f.Steps[len(f.Steps)-1]
	t = toneNone
	if last.Step == "refused" || last.Step == "rolled_back" {
		t = toneBad
	}
	value := a.label("maint.firmware.step."+last.Step, last.Step)
	if last.Sequence > 0 { // a refused bundle's manifest, unverified, names none worth showing
		value += " " + fmt.Sprint(last.Sequence)
	}
	value += " · " + a.stamp(last.At)
	board.Add(a.infoRow(t, a.T("maint.firmware.last"), value))
	if last.Reason != "" {
		board.Add(container.NewPadded(a.smallText(a.vary(last.Reason), true)))
	}
}
