package techpages

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/kit"
)

// devicesPage is every device at a glance: red, amber or green, its last error with the
// time, and the counters its driver keeps.
func (p *Pages) devicesPage() fyne.CanvasObject {
	board := container.NewVBox()
	for _, st := range p.tech.DeviceStatuses() {
		board.Add(p.deviceRow(st))
		if c := p.counters(st.Counters); c != "" {
			board.Add(container.NewPadded(p.smallText(c, false)))
		}
	}
	p.addFirmware(board)
	refresh := p.NewButton("maint.refresh", widget.MediumImportance, p.host.Render)
	return kit.Centred(container.NewCenter(board), kit.Actions(kit.TouchSized(refresh, 240)))
}

// deviceTone is red for a device a service cannot use, amber for one that needs a hand
// soon (paper low, busy), green otherwise.
func deviceTone(st device.Status) tone {
	switch {
	case st.Paper == device.PaperOut || st.Paper == device.PaperJammed: // nothing prints
		return toneBad
	case st.State == device.Busy || st.State == device.UserError:
		return toneWarn
	case st.State != device.Online:
		return toneBad
	case st.Paper == device.PaperLow:
		return toneWarn
	}
	return toneOK
}

// deviceRow is one device: its dot, state, paper and last error.
func (p *Pages) deviceRow(st device.Status) fyne.CanvasObject {
	value := p.T("maint.state." + string(st.State))
	if st.Paper != device.PaperUnknown {
		value += " · " + p.T("maint.paper", "paper", p.TextOr("maint.paper."+string(st.Paper), string(st.Paper)))
	}
	if st.LastError != nil {
		value += " · " + p.T("maint.last_error", "code", p.errorText(st.LastError.Code), "time", p.stamp(st.LastError.Time))
	}
	return p.infoRow(deviceTone(st), p.TextOr("maint.dev."+st.Device, st.Device), value)
}

// counters lists a device's counters in a stable order, named from the catalogue.
func (p *Pages) counters(c map[string]int64) string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, p.TextOr("maint.counter."+k, k)+" "+fmt.Sprint(c[k]))
	}
	return strings.Join(parts, " · ")
}

// outboxPage is the queue of transactions for the hall: how many in each state, how old the
// oldest waiting one is, the last sync and its error, and the way to empty it by hand.
func (p *Pages) outboxPage() fyne.CanvasObject {
	s := p.tech.OutboxStats()
	rows := container.NewVBox()
	waiting := toneOK
	if s.Pending() > 0 {
		waiting = toneWarn
		if s.OldestQueued > readiness.StuckAfter {
			waiting = toneBad
		}
	}
	rows.Add(p.infoRow(waiting, p.T("maint.outbox.pending"), fmt.Sprint(s.Pending())))
	var states []string
	for _, st := range []txn.State{txn.Queued, txn.Sending, txn.Acknowledged, txn.Approved, txn.Rejected, txn.CounterVisit} {
		states = append(states, p.TextOr("maint.txn."+string(st), string(st))+" "+fmt.Sprint(s.Counts[st]))
	}
	rows.Add(p.infoRow(toneNone, p.T("maint.outbox.by_state"), strings.Join(states, " · ")))
	oldest := p.T("maint.outbox.none_waiting")
	if s.Pending() > 0 {
		oldest = p.vary(s.OldestQueued.Round(time.Second).String())
	}
	rows.Add(p.infoRow(waiting, p.T("maint.outbox.oldest"), oldest))
	rows.Add(p.infoRow(toneNone, p.T("maint.outbox.last_sync"), p.stamp(s.LastSync)))
	if s.LastError != "" {
		rows.Add(p.infoRow(toneBad, p.T("maint.outbox.last_error"), ""))
		rows.Add(container.NewPadded(p.smallText(p.vary(s.LastError), true)))
	}
	if s.OutOfService != "" {
		rows.Add(p.infoRow(toneBad, p.T("maint.outbox.out_of_service"), p.vary(s.OutOfService)))
	}
	if s.Quarantined > 0 {
		rows.Add(p.infoRow(toneBad, p.T("maint.outbox.quarantined"), fmt.Sprint(s.Quarantined)))
	}
	syncNow := p.NewButton("maint.sync_now", widget.MediumImportance, func() {
		p.tech.SyncNow()
		p.say(widget.SuccessImportance, "maint.synced")
		p.host.Render()
	})
	items := []fyne.CanvasObject{container.NewCenter(rows), kit.Actions(kit.TouchSized(syncNow, 240)),
		p.Para(p.T("maint.export.choose"), widget.MediumImportance)}
	dirs := container.NewHBox()
	for i, dir := range p.tech.ExportDirs() {
		b := p.NewButton(fmt.Sprintf("maint.export.dir%d", i), widget.MediumImportance, func() { p.exportOutbox(dir) })
		b.SetText(p.vary(dir))
		dirs.Add(kit.TouchSized(b, 200))
	}
	items = append(items, container.NewCenter(dirs))
	if p.mt.exportPath != "" {
		items = append(items, p.Para(p.T("maint.export.done", "n", p.mt.exportN, "path", p.vary(p.mt.exportPath)), widget.SuccessImportance))
	}
	return kit.Centred(items...)
}

// exportOutbox writes the queue as JSON into dir (a USB stick's mount, say).
func (p *Pages) exportOutbox(dir string) {
	p.maintJob("maint.export.wait", func(ctx context.Context) func() {
		path, n, err := p.tech.ExportOutbox(ctx, dir)
		return func() {
			if err != nil {
				p.mt.exportPath = ""
				p.say(widget.DangerImportance, "maint.export.failed", "dir", p.vary(filepath.Clean(dir)))
				return
			}
			p.mt.exportPath, p.mt.exportN = path, n
		}
	})
}

// consumablesPage is the paper counter: printed since the roll was replaced, and how many
// receipts are left before the near-end sensor trips.
func (p *Pages) consumablesPage() fyne.CanvasObject {
	c := p.tech.Consumables()
	left := toneOK
	if c.PerRoll > 0 && c.Left*10 < c.PerRoll {
		left = toneWarn
	}
	if c.Left == 0 {
		left = toneBad
	}
	perRoll := p.T("maint.paper.per_roll.estimate", "n", c.PerRoll)
	if c.Learned {
		perRoll = p.T("maint.paper.per_roll.learned", "n", c.PerRoll)
	}
	rows := container.NewVBox(
		p.infoRow(toneNone, p.T("maint.paper.printed"), fmt.Sprint(c.Printed)),
		p.infoRow(toneNone, p.T("maint.paper.replaced_at"), p.stamp(c.ReplacedAt)),
		p.infoRow(toneNone, p.T("maint.paper.per_roll"), perRoll),
		p.infoRow(left, p.T("maint.paper.left"), fmt.Sprint(c.Left)),
	)
	if !p.mt.confirmPaper {
		replaced := p.NewButton("maint.paper.replaced", widget.MediumImportance, func() { p.mt.confirmPaper = true; p.host.Render() })
		return kit.Centred(container.NewCenter(rows), kit.Actions(kit.TouchSized(replaced, 320)))
	}
	confirm := p.Para(p.T("maint.paper.confirm"), widget.WarningImportance)
	cancel := p.NewButton("common.cancel", widget.MediumImportance, func() { p.mt.confirmPaper = false; p.host.Render() })
	yes := p.NewButton("maint.paper.confirm_yes", widget.HighImportance, func() {
		p.mt.confirmPaper = false
		p.maintJob("common.please_wait", func(ctx context.Context) func() {
			err := p.tech.PaperReplaced(ctx)
			return func() {
				if err != nil {
					p.say(widget.DangerImportance, "maint.paper.failed")
					return
				}
				p.say(widget.SuccessImportance, "maint.paper.reset")
			}
		})
	})
	return kit.Centred(container.NewCenter(rows), confirm, kit.Actions(kit.TouchSized(cancel, 200), kit.TouchSized(yes, 320)))
}

// readinessPage is the opening checklist on screen, as it prints.
func (p *Pages) readinessPage() fyne.CanvasObject {
	items := p.tech.Readiness()
	rows := container.NewVBox()
	for _, it := range items {
		t := toneOK
		switch it.Level {
		case readiness.Warn:
			t = toneWarn
		case readiness.Fail:
			t = toneBad
		}
		found := p.T("readiness.level." + string(it.Level))
		if it.Level != readiness.Pass { // what was found, in the checklist's own words
			detail := it.Detail
			if strings.ContainsAny(detail, "0123456789") {
				detail = p.vary(detail) // counts and ages: "3 waiting, oldest 2h0m0s"
			}
			found += " · " + detail
		}
		rows.Add(p.infoRow(t, p.TextOr(it.Key, it.Key), found))
	}
	verdict, imp := "readiness.ready", widget.SuccessImportance
	if !readiness.Ready(items) {
		verdict, imp = "readiness.not_ready", widget.DangerImportance
	}
	print := p.NewButton("maint.readiness", widget.MediumImportance, func() {
		p.maintJob("maint.printing", func(ctx context.Context) func() {
			key := p.tech.PrintReadiness(ctx)
			return func() { p.printed(key, "maint.readiness_printed") }
		})
	})
	return kit.Centred(container.NewCenter(rows), p.Para(p.T(verdict), imp), kit.Actions(kit.TouchSized(print, 320)))
}

// printed says how a technician's print went.
func (p *Pages) printed(printKey, okKey string) {
	if printKey == "" {
		p.say(widget.SuccessImportance, okKey)
		return
	}
	p.say(widget.DangerImportance, "maint.print_failed", "reason", p.T(printKey))
}

// errorText is a device's last error in words: the drivers report a code (paper_out,
// no_answer…), each with its text under maint.error.
func (p *Pages) errorText(code string) string { return p.TextOr("maint.error."+code, code) }
