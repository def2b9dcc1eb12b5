package techpages

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// addFirmware adds the firmware's rows to the devices page: the running version, a version
// on trial (amber) or waiting for the idle screen, and the last update step, red when it was a
// refusal or a rollback. A kiosk that has never seen an update shows nothing.
func (p *Pages) addFirmware(board *fyne.Container) {
	f := p.tech.FirmwareBoard()
	if f.Sequence == 0 && len(f.Steps) == 0 && f.Pending == 0 {
		return
	}
	running := p.T("maint.firmware.packaged")
	if f.Sequence > 0 {
		running = p.T("maint.firmware.version", "seq", fmt.Sprint(f.Sequence))
	}
	t := toneOK
	if f.Trial {
		t, running = toneWarn, running+" · "+p.T("maint.firmware.trial", "time", p.stamp(f.TrialUntil))
	}
	if f.Pending > 0 {
		running += " · " + p.T("maint.firmware.pending", "seq", fmt.Sprint(f.Pending))
	}
	board.Add(p.infoRow(t, p.T("maint.firmware"), running))
	if len(f.Steps) == 0 {
		return
	}
	last := f.Steps[len(f.Steps)-1]
	t = toneNone
	if last.Step == "refused" || last.Step == "rolled_back" {
		t = toneBad
	}
	value := p.TextOr("maint.firmware.step."+last.Step, last.Step)
	if last.Sequence > 0 { // a refused bundle's manifest, unverified, names none worth showing
		value += " " + fmt.Sprint(last.Sequence)
	}
	value += " · " + p.stamp(last.At)
	board.Add(p.infoRow(t, p.T("maint.firmware.last"), value))
	if last.Reason != "" {
		board.Add(container.NewPadded(p.smallText(p.vary(last.Reason), true)))
	}
}
