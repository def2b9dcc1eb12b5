package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/assets"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
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
		return centred(a.heading(a.T("oos.title")), a.para(a.T(key), widget.DangerImportance),
			a.para(a.T("oos.body"), widget.MediumImportance)), nil
	}
	icon := canvas.NewImageFromResource(resource("idcard.svg"))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(288, 192))
	queue := a.button("queue.button", widget.MediumImportance, func() { a.show(ScreenQueue) })
	readerDown := false
	var reasons []fyne.CanvasObject
	for _, f := range a.desk.Facilities() {
		if f.Available {
			continue
		}
		switch f.Facility {
		case desk.FacilityQueue:
			queue.Disable()
		case desk.FacilityIdentify:
			readerDown = true
		}
		reasons = append(reasons, a.para(a.T(f.ReasonKey), widget.DangerImportance))
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
	items := append([]fyne.CanvasObject{container.NewCenter(icon), a.heading(a.T(headline))}, reasons...)
	items = append(items,
		a.para(a.T("app.subtitle"), widget.MediumImportance),
		a.para(a.T("idle.hint"), widget.LowImportance),
		container.NewCenter(touchSized(queue, 280)))
	if readerDown && strings.HasPrefix(a.notice, "idcard.") {
		a.notice = "" // the failed reads say what the reader's notice above already says
	}
	if a.notice != "" {
		imp := widget.WarningImportance
		if a.notice == "idle.ended.finished" || a.notice == "rate.thanks" {
			imp = widget.SuccessImportance
		}
		items = append(items, a.para(a.T(a.notice), imp))
	}
	items = append(items, a.noticePanel()...) // the hall's announcements: the idle screen only
	return centred(items...), nil
}

func (a *App) welcome() (fyne.CanvasObject, []fyne.CanvasObject) {
	p := a.person
	who := container.NewVBox(
		a.heading(a.T("welcome.hello", "name", p.MaskedName)),
		// One label for two lines: the four services and the history must fit below.
		a.para(a.T("card."+p.CardType)+" · "+a.T("welcome.id", "id", p.MaskedID)+"\n"+a.T("welcome.choose"), widget.MediumImportance),
	)
	items := []fyne.CanvasObject{who}
	// Two tiles a row, every row as tall as its own reasons: every service fits above the
	// history, each with its reason when it cannot be started. When one cause stops them all
	// (the printer), its reason is said once, under the tiles.
	services := a.desk.Services()
	shared := sharedReason(services)
	var cells []fyne.CanvasObject
	for _, s := range services {
		var t fyne.CanvasObject
		switch s.Service {
		case desk.ServiceVAT:
			t = a.tile("service.vat.title", "service.vat.desc", s.Available, func() {
				a.draft = a.desk.VATDraft()
				a.vatEdit = vatEdit{field: fieldSales}
				a.code = codeEdit{}
				a.show(ScreenFiler)
			})
		case desk.ServiceCertificate:
			t = a.tile("service.cert.title", "service.cert.desc", s.Available, func() { a.show(ScreenCert) })
		case desk.ServiceInvoice:
			t = a.tile("service.invoice.title", "service.invoice.desc", s.Available, a.startInvoice)
		case desk.ServicePayment:
			t = a.tile("service.pay.title", "service.pay.desc", s.Available, a.startPayment)
		default:
			continue
		}
		cell := container.NewVBox(t)
		if !s.Available && shared == "" {
			cell.Add(a.para(a.T(s.ReasonKey), widget.DangerImportance))
		}
		cells = append(cells, cell)
	}
	for i := 0; i < len(cells); i += 2 {
		items = append(items, container.NewGridWithColumns(2, cells[i:min(i+2, len(cells))]...))
	}
	if shared != "" {
		items = append(items, a.para(a.T(shared), widget.DangerImportance))
	}
	if hist := a.history(); hist != nil {
		items = append(items, hist)
	}
	return centred(items...), []fyne.CanvasObject{a.navButton("common.finish", a.finish)}
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

func (a *App) confirm() (fyne.CanvasObject, []fyne.CanvasObject) {
	r := a.draft
	summary := a.T("service.vat.title") + " · " + desk.PeriodText(a.cat, a.lang, r.Period) + " · " +
		a.T("vat.tax") + " " + a.T("vat.yuan", "amount", r.TaxPayable.String())
	items := []fyne.CanvasObject{a.heading(a.T("confirm.title")), a.para(summary, widget.MediumImportance)}
	if r.TaxPayable > 0 { // the surcharges (附加税费) the title promises, and what it all owes
		items = append(items, a.para(a.T("confirm.surcharges", "urban_rate", vatreturn.RateText(r.UrbanRateBP),
			"urban", r.UrbanTax.String(), "edu", r.EducationSurcharge.String(), "local", r.LocalEducationSurcharge.String(),
			"pct", r.SurchargeReliefPct, "total", r.Total().String()), widget.MediumImportance))
	}
	submitKey := "confirm.submit"
	// The hall's risk reminders for this enterprise come before submission: confirm or go back.
	if a.ent != nil && len(a.ent.Reminders) > 0 {
		items = append(items, a.para(a.T("risk.title"), widget.WarningImportance))
		for _, rm := range a.ent.Reminders {
			msg := rm.Message.ZH
			if a.lang != "zh" {
				msg = rm.Message.EN
			}
			items = append(items, a.para("· "+msg, widget.WarningImportance))
		}
		items = append(items, a.para(a.T("risk.note"), widget.LowImportance))
		submitKey = "risk.ack"
	} else {
		items = append(items, a.para(a.T("confirm.note"), widget.LowImportance))
	}
	items = append(items, container.NewCenter(touchSized(a.button(submitKey, widget.HighImportance, a.submit), 360)))
	return centred(items...), []fyne.CanvasObject{
		a.navButton("common.back", func() { a.show(ScreenVAT) }),
		a.navButton("common.home", a.goHome),
	}
}

// submit hands the return to the core off the UI thread: committing and printing wait on
// disk and hardware, and the screen must stay alive meanwhile.
func (a *App) submit() {
	if a.ent != nil && len(a.ent.Reminders) > 0 {
		a.draft.RiskShown, a.draft.RiskAck = nil, true
		for _, rm := range a.ent.Reminders {
			a.draft.RiskShown = append(a.draft.RiskShown, rm.Code)
		}
	}
	r, lang := a.draft, a.lang
	a.show(ScreenSubmitting)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		out, err := a.desk.SubmitVATReturn(ctx, r, lang)
		a.do(func() { a.submitted(out, err, ScreenResult) })
	}()
}

func (a *App) submitting() (fyne.CanvasObject, []fyne.CanvasObject) {
	bar := widget.NewProgressBarInfinite()
	return centred(a.heading(a.T("result.submitting")), container.NewCenter(touchSizedW(bar, 480))), nil
}

func (a *App) result() (fyne.CanvasObject, []fyne.CanvasObject) {
	o := a.outcome
	items := []fyne.CanvasObject{
		a.heading("✓ " + a.T("result.title")),
		a.para(a.T("result.number", "number", desk.ReceiptNumber(o.Seq)), widget.MediumImportance),
	}
	refused := false
	if o.Delivered {
		items = append(items, a.para(a.T("result.delivered"), widget.SuccessImportance))
		for _, h := range a.desk.History() { // the hall's answer, when it already came
			if ans := a.hallAnswer(h); h.TxnID == o.TxnID && ans != "" && h.State != txn.Approved {
				items, refused = append(items, a.para(ans, widget.DangerImportance)), true
			}
		}
	} else {
		items = append(items, a.para(a.T("result.queued"), widget.WarningImportance))
	}
	if o.Printed {
		items = append(items, a.para(a.T("result.receipt_printed"), widget.MediumImportance))
	} else {
		items = append(items, a.para(a.T("result.receipt_failed", "reason", a.T(o.PrintKey)), widget.DangerImportance))
	}
	if !refused { // a refused return owes nothing
		items = append(items, a.owed(o.Owed)...)
	}
	finish := touchSized(a.button("common.finish", widget.HighImportance, a.finish), 320)
	items = append(items, container.NewCenter(finish))
	// Home: another service in the same visit, the card still on the reader.
	return centred(items...), []fyne.CanvasObject{a.navButton("common.home", a.goHome)}
}

// owed says what a filed return owes and by when, and how to pay it: "pay now" when the
// hall lists it for an enterprise with a tripartite agreement, else why not here.
func (a *App) owed(o *desk.Owed) []fyne.CanvasObject {
	if o == nil {
		return nil
	}
	out := []fyne.CanvasObject{a.para(a.T("result.owed", "amount", o.Amount.String(), "due", o.Due), widget.WarningImportance)}
	if o.CreditCode == "" {
		return append(out, a.para(a.T("result.owed.self"), widget.MediumImportance))
	}
	for _, e := range a.desk.Enterprises() {
		if e.CreditCode != o.CreditCode {
			continue
		}
		if e.Agreement == nil {
			return append(out, a.para(a.T("result.owed.no_agreement", "name", a.entName(e)), widget.MediumImportance))
		}
		if len(o.ItemIDs) == 0 {
			break
		}
		chosen := map[string]bool{}
		for _, id := range o.ItemIDs {
			chosen[id] = true
		}
		pay := a.button("result.pay_now", widget.HighImportance, func() {
			a.pay = payEdit{ent: &e, chosen: chosen}
			a.show(ScreenPayItems)
		})
		return append(out, container.NewCenter(touchSized(pay, 320)))
	}
	return append(out, a.para(a.T("result.owed.later"), widget.MediumImportance))
}

func (a *App) errorScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	return centred(a.heading(a.T("error.title")), a.para(a.T(a.errKey), widget.DangerImportance)), []fyne.CanvasObject{
		// Back is the service menu while the taxpayer is still identified; an error such as
		// "no session" must not lead to a welcome screen greeting nobody.
		a.navButton("common.back", a.goHome),
		a.navButton("common.home", a.goHome),
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
	items := a.desk.History()
	if len(items) == 0 {
		return nil
	}
	box := container.NewVBox(a.para(a.T("history.title"), widget.MediumImportance))
	for _, h := range items[:min(len(items), historyShown)] {
		line := a.T("history.item", "number", h.Number, "kind", a.T("kind."+string(h.Kind)),
			"time", h.AcceptedAt.Format("01-02 15:04"), "state", a.T("scan.state."+string(h.State)))
		if ans := a.hallAnswer(h); ans != "" {
			line += " · " + ans
		}
		row := container.NewHBox(widget.NewLabel(line))
		if h.Unprinted {
			id := h.TxnID
			row.Add(touchSized(a.button("history.reprint", widget.WarningImportance, func() { a.reprint(id) }), 200))
		}
		box.Add(container.NewCenter(row))
	}
	return box
}

// reprint prints a receipt again off the UI thread and says how it went.
func (a *App) reprint(txnID string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		key, err := a.desk.Reprint(ctx, txnID)
		a.do(func() {
			switch {
			case err != nil:
				a.banner = a.T("history.reprint_failed", "reason", a.T("printer.error"))
			case key != "":
				a.banner = a.T("history.reprint_failed", "reason", a.T(key))
			default:
				a.banner = a.T("history.reprinted")
			}
			a.render()
		})
	}()
}
