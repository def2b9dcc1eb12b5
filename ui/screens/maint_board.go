package screens

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
)

// devicesPage is every device at a glance: red, amber or green, its last error with the
// time, and the counters its driver keeps.
func (a *App) devicesPage() fyne.CanvasObject {
	board := container.NewVBox()
	for _, st := range a.tech.DeviceStatuses() {
		board.Add(a.deviceRow(st))
		if c := a.counters(st.Counters); c != "" {
			board.Add(container.NewPadded(a.smallText(c, false)))
		}
	}
	a.addFirmware(board)
	refresh := a.button("maint.refresh", widget.MediumImportance, a.render)
	return centred(container.NewCenter(board), actions(touchSized(refresh, 240)))
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
func (a *App) deviceRow(st device.Status) fyne.CanvasObject {
	value := a.T("maint.state." + string(st.State))
	if st.Paper != device.PaperUnknown {
		value += " · " + a.T("maint.paper", "paper", a.label("maint.paper."+string(st.Paper), string(st.Paper)))
	}
	if st.LastError != nil {
		value += " · " + a.T("maint.last_error", "code", st.LastError.Code, "time", a.stamp(st.LastError.Time))
	}
	return a.infoRow(deviceTone(st), a.label("maint.dev."+st.Device, st.Device), value)
}

// counters lists a device's counters in a stable order, named from the catalogue.
func (a *App) counters(c map[string]int64) string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, a.label("maint.counter."+k, k)+" "+fmt.Sprint(c[k]))
	}
	return strings.Join(parts, " · ")
}

// outboxPage is the queue of transactions for the hall: how many in each state, how old the
// oldest waiting one is, the last sync and its error, and the way to empty it by hand.
func (a *App) outboxPage() fyne.CanvasObject {
	s := a.tech.OutboxStats()
	rows := container.NewVBox()
	waiting := toneOK
	if s.Pending() > 0 {
		waiting = toneWarn
		if s.OldestQueued > readiness.StuckAfter {
			waiting = toneBad
		}
	}
	rows.Add(a.infoRow(waiting, a.T("maint.outbox.pending"), fmt.Sprint(s.Pending())))
	var states []string
	for _, st := range []txn.State{txn.Queued, txn.Sending, txn.Acknowledged, txn.Approved, txn.Rejected, txn.CounterVisit} {
		states = append(states, a.label("maint.txn."+string(st), string(st))+" "+fmt.Sprint(s.Counts[st]))
	}
	rows.Add(a.infoRow(toneNone, a.T("maint.outbox.by_state"), strings.Join(states, " · ")))
	oldest := a.T("maint.outbox.none_waiting")
	if s.Pending() > 0 {
		oldest = a.vary(s.OldestQueued.Round(time.Second).String())
	}
	rows.Add(a.infoRow(waiting, a.T("maint.outbox.oldest"), oldest))
	rows.Add(a.infoRow(toneNone, a.T("maint.outbox.last_sync"), a.stamp(s.LastSync)))
	if s.LastError != "" {
		rows.Add(a.infoRow(toneBad, a.T("maint.outbox.last_error"), ""))
		rows.Add(container.NewPadded(a.smallText(a.vary(s.LastError), true)))
	}
	if s.OutOfService != "" {
		rows.Add(a.infoRow(toneBad, a.T("maint.outbox.out_of_service"), a.vary(s.OutOfService)))
	}
	if s.Quarantined > 0 {
		rows.Add(a.infoRow(toneBad, a.T("maint.outbox.quarantined"), fmt.Sprint(s.Quarantined)))
	}
	syncNow := a.button("maint.sync_now", widget.MediumImportance, func() {
		a.tech.SyncNow()
		a.say(widget.SuccessImportance, "maint.synced")
		a.render()
	})
	items := []fyne.CanvasObject{container.NewCenter(rows), actions(touchSized(syncNow, 240)),
		a.para(a.T("maint.export.choose"), widget.MediumImportance)}
	dirs := container.NewHBox()
	for i, dir := range a.tech.ExportDirs() {
		b := a.button(fmt.Sprintf("maint.export.dir%d", i), widget.MediumImportance, func() { a.exportOutbox(dir) })
		b.SetText(a.vary(dir))
		dirs.Add(touchSized(b, 200))
	}
	items = append(items, container.NewCenter(dirs))
	if a.mt.exportPath != "" {
		items = append(items, a.para(a.T("maint.export.done", "n", a.mt.exportN, "path", a.vary(a.mt.exportPath)), widget.SuccessImportance))
	}
	return centred(items...)
}

// exportOutbox writes the queue as JSON into dir (a USB stick's mount, say).
func (a *App) exportOutbox(dir string) {
	a.maintJob("maint.export.wait", func(ctx context.Context) func() {
		path, n, err := a.tech.ExportOutbox(ctx, dir)
		return func() {
			if err != nil {
				a.mt.exportPath = ""
				a.say(widget.DangerImportance, "maint.export.failed", "dir", a.vary(filepath.Clean(dir)))
				return
			}
			a.mt.exportPath, a.mt.exportN = path, n
		}
	})
}

// consumablesPage is the paper counter: printed since the roll was replaced, and how many
// receipts are left before the near-end sensor trips.
func (a *App) consumablesPage() fyne.CanvasObject {
	c := a.tech.Consumables()
	left := toneOK
	if c.PerRoll > 0 && c.Left*10 < c.PerRoll {
		left = toneWarn
	}
	if c.Left == 0 {
		left = toneBad
	}
	perRoll := a.T("maint.paper.per_roll.estimate", "n", c.PerRoll)
	if c.Learned {
		perRoll = a.T("maint.paper.per_roll.learned", "n", c.PerRoll)
	}
	rows := container.NewVBox(
		a.infoRow(toneNone, a.T("maint.paper.printed"), fmt.Sprint(c.Printed)),
		a.infoRow(toneNone, a.T("maint.paper.replaced_at"), a.stamp(c.ReplacedAt)),
		a.infoRow(toneNone, a.T("maint.paper.per_roll"), perRoll),
		a.infoRow(left, a.T("maint.paper.left"), fmt.Sprint(c.Left)),
	)
	if !a.mt.confirmPaper {
		replaced := a.button("maint.paper.replaced", widget.MediumImportance, func() { a.mt.confirmPaper = true; a.render() })
		return centred(container.NewCenter(rows), actions(touchSized(replaced, 320)))
	}
	confirm := a.para(a.T("maint.paper.confirm"), widget.WarningImportance)
	cancel := a.button("common.cancel", widget.MediumImportance, func() { a.mt.confirmPaper = false; a.render() })
	yes := a.button("maint.paper.confirm_yes", widget.HighImportance, func() {
		a.mt.confirmPaper = false
		a.maintJob("common.please_wait", func(ctx context.Context) func() {
			err := a.tech.PaperReplaced(ctx)
			return func() {
				if err != nil {
					a.say(widget.DangerImportance, "maint.paper.failed")
					return
				}
				a.say(widget.SuccessImportance, "maint.paper.reset")
			}
		})
	})
	return centred(container.NewCenter(rows), confirm, actions(touchSized(cancel, 200), touchSized(yes, 320)))
}

// readinessPage is the opening checklist on screen, as it prints.
func (a *App) readinessPage() fyne.CanvasObject {
	items := a.tech.Readiness()
	rows := container.NewVBox()
	for _, it := range items {
		t := toneOK
		switch it.Level {
		case readiness.Warn:
			t = toneWarn
		case readiness.Fail:
			t = toneBad
		}
		found := a.T("readiness.level." + string(it.Level))
		if it.Level != readiness.Pass { // what was found, in the checklist's own words
			detail := it.Detail
			if strings.ContainsAny(detail, "0123456789") {
				detail = a.vary(detail) // counts and ages: "3 waiting, oldest 2h0m0s"
			}
			found += " · " + detail
		}
		rows.Add(a.infoRow(t, a.label(it.Key, it.Key), found))
	}
	verdict, imp := "readiness.ready", widget.SuccessImportance
	if !readiness.Ready(items) {
		verdict, imp = "readiness.not_ready", widget.DangerImportance
	}
	print := a.button("maint.readiness", widget.MediumImportance, func() {
		a.maintJob("maint.printing", func(ctx context.Context) func() {
			key := a.tech.PrintReadiness(ctx)
			return func() { a.printed(key, "maint.readiness_printed") }
		})
	})
	return centred(container.NewCenter(rows), a.para(a.T(verdict), imp), actions(touchSized(print, 320)))
}

// printed says how a technician's print went.
func (a *App) printed(printKey, okKey string) {
	if printKey == "" {
		a.say(widget.SuccessImportance, okKey)
		return
	}
	a.say(widget.DangerImportance, "maint.print_failed", "reason", a.T(printKey))
}
