package screens

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/assets"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/kit"
)

// submitTimeout bounds a submission: commit, the wait for the hall, and printing.
const submitTimeout = 30 * time.Second

func (a *App) idle() (fyne.CanvasObject, []fyne.CanvasObject) {
	if key := a.desk.OutOfService(); key != "" || a.desk.InMaintenance() {
		if key == "" {
			key = "oos.maintenance" // entered from kioskctl: the technician is not at the screen
		}
		// Nothing can be printed: the kiosk has taken itself out of service; the help
		// button in the top bar still calls the expert seat.
		return kit.Centred(a.Heading(a.T("oos.title")), a.Para(a.T(key), widget.DangerImportance),
			a.Para(a.T("oos.body"), widget.MediumImportance)), nil
	}
	icon := canvas.NewImageFromResource(resource("idcard.svg"))
	icon.FillMode = canvas.ImageFillContain
	// 3:2 like the card; small enough that the prompt, the reasons and a closing line fit
	// under it on a 720-line output.
	icon.SetMinSize(fyne.NewSize(156, 104))
	queue := a.NewButton("queue.button", widget.MediumImportance, func() { a.show(ScreenQueue) })
	scanHelp := a.NewButton("scan.tile.title", widget.MediumImportance, func() { a.show(ScreenScanHelp) }) // no card needed
	readerDown := false
	var reasons []fyne.CanvasObject
	for _, f := range a.desk.Facilities() {
		if f.Available {
			continue
		}
		switch f.Facility {
		case desk.FacilityQueue:
			queue.Disable()
		case desk.FacilityScan:
			scanHelp.Disable()
		case desk.FacilityIdentify:
			readerDown = true
		}
		reasons = append(reasons, a.Para(a.T(f.ReasonKey), widget.DangerImportance))
	}
	// The headline says what to do now: take the card left on the reader, or that the
	// reader cannot take one, before asking for a card.
	headline := "idle.prompt"
	switch {
	case readerDown:
		headline = "idle.reader_down"
	case a.cardLeft:
		headline = "idle.take_card"
	}
	var items []fyne.CanvasObject
	if !readerDown { // a card drawn over "the reader is not available" would say the opposite
		items = append(items, container.NewCenter(icon))
	}
	items = append(append(items, a.Heading(a.T(headline))), reasons...)
	if readerDown && strings.HasPrefix(a.notice, "idcard.") {
		a.notice = "" // the failed reads say what the reader's notice above already says
	}
	items = append(items, a.Para(a.T("app.subtitle"), widget.MediumImportance))
	if len(reasons) == 0 && a.notice == "" && a.banner.key == "" {
		// What can be done here, only when there is nothing more pressing to say: with a
		// reason, a closing line or a banner as well, the screen would not fit 720 lines.
		items = append(items, a.Para(a.T("idle.hint"), widget.LowImportance))
	}
	items = append(items, container.NewCenter(container.NewHBox(kit.TouchSized(queue, 280), kit.TouchSized(scanHelp, 280))))
	if a.notice != "" {
		imp := widget.WarningImportance
		if a.notice == "idle.ended.finished" || a.notice == "rate.thanks" {
			imp = widget.SuccessImportance
		}
		items = append(items, a.Para(a.T(a.notice), imp))
	}
	items = append(items, a.noticePanel()...) // the hall's announcements: the idle screen only
	return kit.Centred(items...), nil
}

func (a *App) welcome() (fyne.CanvasObject, []fyne.CanvasObject) {
	p := a.person
	who := container.NewVBox(
		a.Heading(a.T("welcome.hello", "name", p.MaskedName)),
		// One label for two lines: the four services and the history must fit below.
		a.Para(a.T("card."+p.CardType)+" · "+a.T("welcome.id", "id", p.MaskedID)+"\n"+a.T("welcome.choose"), widget.MediumImportance),
	)
	if a.queueNumber != "" { // taken in this visit: said until the session ends
		who.Add(a.Para(a.T("welcome.queue_number", "number", a.queueNumber), widget.HighImportance))
	}
	if p.Senior && !a.Theme().LargeText() {
		// Offered, not forced, to whom the card says is 65 or older: one tap, at the top.
		// It ends with the visit (endVisit), as the top bar's switch does.
		larger := a.NewButton("welcome.large_text", widget.HighImportance, func() {
			a.Theme().SetLargeText(true)
			if a.refresh != nil {
				a.refresh()
			}
			a.render()
		})
		who.Add(container.NewCenter(kit.TouchSized(larger, 480)))
	}
	var items []fyne.CanvasObject
	// Two tiles a row, every row as tall as its own reasons: every service fits above the
	// history, each with its reason when it cannot be started. When one cause stops them all
	// (the printer), its reason is said once, under the tiles.
	services := a.desk.Services()
	shared := sharedReason(services)
	// A cell is a tile and the reason it cannot be started, if any.
	type cell struct{ tile, reason fyne.CanvasObject }
	var cells []cell
	for _, s := range services {
		var t fyne.CanvasObject
		switch s.Service {
		case desk.ServiceVAT:
			t = a.Tile("service.vat.title", "service.vat.desc", s.Available, a.vat.start)
		case desk.ServiceCertificate:
			t = a.Tile("service.cert.title", "service.cert.desc", s.Available, func() { a.show(ScreenCert) })
		case desk.ServiceInvoice:
			t = a.Tile("service.invoice.title", "service.invoice.desc", s.Available, a.inv.start)
		case desk.ServicePayment:
			t = a.Tile("service.pay.title", "service.pay.desc", s.Available, a.pay.start)
		default:
			continue
		}
		c := cell{tile: t}
		if !s.Available && shared == "" {
			c.reason = a.Para(a.T(s.ReasonKey), widget.DangerImportance)
		}
		cells = append(cells, c)
	}
	// Neither needs the card; a number taken here is said above until the session ends.
	cells = append(cells,
		cell{tile: a.Tile("scan.tile.title", "scan.tile.desc", a.facilityUp(desk.FacilityScan), func() { a.show(ScreenScanHelp) })},
		cell{tile: a.Tile("queue.button", "queue.tile.desc", a.facilityUp(desk.FacilityQueue), func() { a.show(ScreenQueue) })})
	// The two tiles of a row fill their cells, so that they are as tall as each other when
	// one subtitle wraps (large text, English) and the other does not; in a row with a
	// reason under a tile, each tile keeps its own height above it.
	for i := 0; i < len(cells); i += 2 {
		row := cells[i:min(i+2, len(cells))]
		reasons := slices.ContainsFunc(row, func(c cell) bool { return c.reason != nil })
		var objs []fyne.CanvasObject
		for _, c := range row {
			switch {
			case c.reason != nil:
				objs = append(objs, container.NewVBox(c.tile, c.reason))
			case reasons:
				objs = append(objs, container.NewVBox(c.tile))
			default:
				objs = append(objs, c.tile)
			}
		}
		items = append(items, container.NewGridWithColumns(2, objs...))
	}
	if shared != "" {
		items = append(items, a.Para(a.T(shared), widget.DangerImportance))
	}
	if hist := a.history(); hist != nil {
		items = append(items, hist)
	}
	// The tiles head the scrolling part, so they stay where they are however long the
	// history under them is, and what does not fit scrolls instead of pushing Finish away.
	var nav []fyne.CanvasObject
	if a.liftBy.IsZero() { // else the card-lifted question has the one Finish
		nav = append(nav, a.NavButton("common.finish", a.finish))
	}
	return kit.Scrolled(who, container.NewVBox(items...), nil), nav
}

// sharedReason is the reason every service is unavailable for, when there are several and
// they share one; "" otherwise.
func sharedReason(services []desk.Availability) string {
	if len(services) < 2 {
		return ""
	}
	for _, s := range services {
		if s.Available || s.ReasonKey != services[0].ReasonKey {
			return ""
		}
	}
	return services[0].ReasonKey
}

func (v *vatFlow) confirm() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	r := v.draft
	summary := a.T("service.vat.title") + " · " + a.PeriodOf(r.Period.Year, r.Period.Index, r.Period.Type == vatreturn.Quarterly) + " · " +
		a.T("vat.tax") + " " + a.T("money.yuan", "amount", kit.Yuan(r.TaxPayable))
	items := []fyne.CanvasObject{a.Heading(a.T("confirm.title")), a.Para(summary, widget.MediumImportance)}
	if r.TaxPayable > 0 { // the surcharges (附加税费) the title promises, and what it all owes
		items = append(items, a.Para(a.T("confirm.surcharges", "urban_rate", vatreturn.RateText(r.UrbanRateBP),
			"urban", kit.Yuan(r.UrbanTax), "edu", kit.Yuan(r.EducationSurcharge), "local", kit.Yuan(r.LocalEducationSurcharge),
			"pct", r.SurchargeReliefPct, "total", kit.Yuan(r.Total())), widget.MediumImportance))
	}
	submitKey := "confirm.submit"
	// The hall's risk reminders for this enterprise come before submission: confirm or go back.
	if v.ent != nil && len(v.ent.Reminders) > 0 {
		items = append(items, a.Para(a.T("risk.title"), widget.WarningImportance))
		for _, rm := range v.ent.Reminders {
			msg := rm.Message.ZH
			if a.Lang() != "zh" {
				msg = rm.Message.EN
			}
			items = append(items, a.Para("· "+msg, widget.WarningImportance))
		}
		items = append(items, a.Para(a.T("risk.note"), widget.LowImportance))
		submitKey = "risk.ack"
	} else {
		items = append(items, a.Para(a.T("confirm.note"), widget.LowImportance))
	}
	// Reminders scroll under the heading; the button that submits stays in sight.
	submit := container.NewCenter(kit.TouchSized(a.NewButton(submitKey, widget.HighImportance, v.submit), 360))
	return kit.Scrolled(items[0], container.NewVBox(items[1:]...), submit), []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenVAT) }),
		a.NavButton("common.home", a.goHome),
	}
}

// submit hands the return to the core off the UI thread: committing and printing wait on
// disk and hardware, and the screen must stay alive meanwhile.
func (v *vatFlow) submit() {
	a := v.a
	if v.ent != nil && len(v.ent.Reminders) > 0 {
		v.draft.RiskShown, v.draft.RiskAck = nil, true
		for _, rm := range v.ent.Reminders {
			v.draft.RiskShown = append(v.draft.RiskShown, rm.Code)
		}
	}
	r, lang := v.draft, a.Lang()
	a.show(ScreenSubmitting)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		out, err := a.svc.Filing.Submit(ctx, r, lang)
		a.do(func() {
			if !v.refused(err) { // refused at the commit after all: back on the form, kept
				a.submitted(out, err, ScreenResult)
			}
		})
	}()
}

func (a *App) submitting() (fyne.CanvasObject, []fyne.CanvasObject) {
	bar := widget.NewProgressBarInfinite()
	return kit.Centred(a.Heading(a.T("result.submitting")), container.NewCenter(kit.TouchSizedW(bar, 480))), nil
}

func (v *vatFlow) result() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	o := a.outcome
	items := []fyne.CanvasObject{
		a.Heading("✓ " + a.T("result.title")),
		a.Para(a.T("result.number", "number", counter.ReceiptNumber(o.Seq)), widget.MediumImportance),
	}
	refused := false
	if o.Delivered {
		items = append(items, a.Para(a.T("result.delivered"), widget.SuccessImportance))
		for _, h := range a.svc.History.List() { // the hall's answer, when it already came
			if ans := a.hallAnswer(h); h.TxnID == o.TxnID && ans != "" && h.State != txn.Approved {
				items, refused = append(items, a.Para(ans, widget.DangerImportance)), true
			}
		}
	} else {
		items = append(items, a.Para(a.T("result.queued"), widget.WarningImportance))
	}
	if o.Printed {
		items = append(items, a.Para(a.T("result.receipt_printed"), widget.MediumImportance))
	} else {
		items = append(items, a.Para(a.T("result.receipt_failed", "reason", a.T(o.PrintKey)), widget.DangerImportance))
	}
	if !refused { // a refused return owes nothing
		items = append(items, v.owed(o.Owed)...)
	}
	// Home: another service in the same visit, the card still on the reader.
	// What the result says scrolls under its heading (the card-lifted question above it takes
	// room); Finish stays in sight.
	return kit.Scrolled(items[0], container.NewVBox(items[1:]...), a.finishHere()), []fyne.CanvasObject{a.NavButton("common.home", a.goHome)}
}

// owed says what a filed return owes and by when, and how to pay it: "pay now" when the
// hall lists it for an enterprise with a tripartite agreement, else why not here.
func (v *vatFlow) owed(o *counter.Owed) []fyne.CanvasObject {
	a := v.a
	if o == nil {
		return nil
	}
	out := []fyne.CanvasObject{a.Para(a.T("result.owed", "amount", kit.Yuan(o.Amount), "due", o.Due), widget.WarningImportance)}
	if o.CreditCode == "" {
		return append(out, a.Para(a.T("result.owed.self"), widget.MediumImportance))
	}
	for _, e := range a.desk.Enterprises() {
		if e.CreditCode != o.CreditCode {
			continue
		}
		if e.Agreement == nil {
			return append(out, a.Para(a.T("result.owed.no_agreement", "name", a.entName(e)), widget.MediumImportance))
		}
		if len(o.ItemIDs) == 0 {
			break
		}
		chosen := map[string]bool{}
		for _, id := range o.ItemIDs {
			chosen[id] = true
		}
		pay := a.NewButton("result.pay_now", widget.HighImportance, func() {
			a.pay.payEdit = payEdit{ent: &e, chosen: chosen}
			a.show(ScreenPayItems)
		})
		return append(out, container.NewCenter(kit.TouchSized(pay, 320)))
	}
	return append(out, a.Para(a.T("result.owed.later"), widget.MediumImportance))
}

func (a *App) errorScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	return kit.Centred(a.Heading(a.T("error.title")), a.Para(a.T(a.errKey), widget.DangerImportance)), []fyne.CanvasObject{
		// Back is the service menu while the taxpayer is still identified; an error such as
		// "no session" must not lead to a welcome screen greeting nobody.
		a.NavButton("common.back", a.goHome),
		a.NavButton("common.home", a.goHome),
	}
}

func resource(name string) fyne.Resource {
	b, err := assets.Icon(name)
	if err != nil {
		panic(err) // icons are embedded at build time
	}
	return fyne.NewStaticResource(name, b)
}

// historyShown bounds the returning taxpayer's list on the welcome screen.
const historyShown = 3

// history lists the taxpayer's recent transactions here with the hall's answers, and offers
// to print again a receipt that never printed in full.
func (a *App) history() fyne.CanvasObject {
	items := a.svc.History.List()
	if len(items) == 0 {
		return nil
	}
	box := container.NewVBox(a.Para(a.T("history.title"), widget.MediumImportance))
	for _, h := range items[:min(len(items), historyShown)] {
		line := a.T("history.item", "number", h.Number, "kind", a.T("kind."+string(h.Kind)),
			"time", h.AcceptedAt.Format("01-02 15:04"), "state", a.T("scan.state."+string(h.State)))
		if ans := a.hallAnswer(h); ans != "" {
			line += " · " + ans
		}
		// The line wraps beside its button: the hall's answer can be longer than the screen.
		label := widget.NewLabelWithStyle(line, fyne.TextAlignCenter, fyne.TextStyle{})
		label.Wrapping = fyne.TextWrapWord
		var reprint fyne.CanvasObject
		if h.Unprinted {
			id := h.TxnID
			b := a.NewButton("history.reprint", widget.WarningImportance, func() { a.reprint(id) })
			if h.ReprintBlocked != "" {
				b.Disable() // it would fail the same way; the services above say why
			}
			reprint = kit.TouchSized(b, 200)
		}
		box.Add(container.NewBorder(nil, nil, nil, reprint, label))
	}
	return box
}

// reprint prints a receipt again off the UI thread and says how it went.
func (a *App) reprint(txnID string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		key, err := a.svc.History.Reprint(ctx, txnID)
		a.do(func() {
			var refused *counter.RefusedError
			switch {
			case key != "": // sent and not printed: the printer's own words
				a.setBanner(widget.DangerImportance, "history.reprint_failed", "reason", words{key: key})
			case errors.As(err, &refused): // not sent: the printer cannot print now
				a.setBanner(widget.DangerImportance, refused.ReasonKey, refused.Args...)
			case err != nil:
				a.setBanner(widget.DangerImportance, "history.reprint_failed", "reason", words{key: "printer.error"})
			default:
				a.setBanner(widget.MediumImportance, "history.reprinted")
			}
			a.render()
		})
	}()
}
