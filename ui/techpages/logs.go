package techpages

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/ui/kit"
)

// logsShown is how much of the log's tail the page shows: what happened this morning, not
// the week; kioskctl logs -n reads further back.
const logsShown = 30

// logsPage is the log's tail, newest first, in small monospace text. The lines were masked
// when they were written (log ring), so no name or ID number reaches this page.
func (p *Pages) logsPage() fyne.CanvasObject {
	lines := p.tech.Logs(logsShown)
	box := container.NewVBox()
	if len(lines) == 0 {
		box.Add(p.Para(p.T("maint.logs.empty"), widget.LowImportance))
	}
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		box.Add(p.smallText(p.vary(l.Time.In(p.host.Now().Location()).Format("01-02 15:04:05"))+" "+padLevel(l.Level)+" "+l.Text, true))
	}
	refresh := p.NewButton("maint.refresh", widget.MediumImportance, p.host.Render)
	return container.NewBorder(p.Para(p.T("maint.logs.hint", "n", logsShown), widget.LowImportance), kit.Actions(kit.TouchSized(refresh, 240)), nil, nil,
		container.NewVScroll(box))
}

// padLevel aligns the text after the level in monospace.
func padLevel(l string) string {
	for len(l) < 5 {
		l += " "
	}
	return l
}
