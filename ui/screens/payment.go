package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/latepay"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/ui/kit"
)

// The payment's screens, in the order the taxpayer meets them.
const (
	ScreenPayEnt     Screen = "pay_enterprise"
	ScreenPayItems   Screen = "pay_items"
	ScreenPayConfirm Screen = "pay_confirm"
	ScreenPayResult  Screen = "pay_result"
)

// payFlow is the payment's screens, from the enterprise to the result, over the choices
// made so far.
type payFlow struct {
	a *App
	payEdit
}

// payEdit is the payment's choices so far. It holds the enterprise as the hall described it,
// so App.wipe drops it with the session.
type payEdit struct {
	ent    *hallapi.Enterprise
	chosen map[string]bool // by TaxItem.ID
}

// items are the chosen items' ids in the hall's order (oldest due first).
func (p *payEdit) items() []string {
	if p.ent == nil {
		return nil
	}
	var ids []string
	for _, it := range p.ent.Outstanding {
		if p.chosen[it.ID] {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// bill prices the chosen items as paid at at: taxes, and surcharges of the overdue ones.
func (p *payEdit) bill(at time.Time) latepay.Bill {
	if p.ent == nil {
		return latepay.Bill{}
	}
	b, _ := payment.Bill(*p.ent, p.items(), at) // items() names each outstanding item once
	return b
}

// startPayment begins a payment from the service menu.
func (v *payFlow) start() {
	a := v.a
	v.payEdit = payEdit{}
	a.show(ScreenPayEnt)
}

// payEnterprises offers the enterprises that can pay here (a tripartite agreement and taxes
// outstanding), one tap each, and says why each other one cannot.
func (v *payFlow) enterprises() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	items := []fyne.CanvasObject{a.Heading(a.T("service.pay.title"))}
	var tiles, others []fyne.CanvasObject
	for _, e := range a.desk.Enterprises() {
		switch {
		case e.Agreement == nil:
			others = append(others, a.Para(a.T("pay.ent.no_agreement", "name", a.entName(e)), widget.MediumImportance))
		case len(e.Outstanding) == 0:
			others = append(others, a.Para(a.T("pay.ent.nothing_due", "name", a.entName(e)), widget.MediumImportance))
		default:
			ids := make([]string, len(e.Outstanding))
			for i, it := range e.Outstanding {
				ids[i] = it.ID
			}
			all, _ := payment.Bill(e, ids, a.now()) // surcharges of overdue items included
			desc := a.T("pay.ent.desc", "n", len(e.Outstanding), "amount", kit.Yuan(all.Total()))
			tiles = append(tiles, container.NewCenter(a.TileText("pay.ent."+e.CreditCode, a.entName(e), desc, func() {
				v.payEdit = payEdit{ent: &e, chosen: map[string]bool{}}
				a.show(ScreenPayItems)
			})))
		}
	}
	if len(tiles) == 0 {
		items = append(items, a.Para(a.T("pay.none"), widget.WarningImportance))
	} else {
		items = append(items, a.Para(a.T("pay.choose_enterprise"), widget.MediumImportance))
	}
	items = append(items, tiles...)
	items = append(items, others...)
	return kit.Centred(items...), []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenWelcome) }),
		a.NavButton("common.home", a.goHome),
	}
}

// payItems lists the outstanding taxes as large check boxes, with the running total. An item
// already in a payment here is shown ticked off and cannot be chosen again.
func (v *payFlow) itemsScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	nav := []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenPayEnt) }),
		a.NavButton("common.home", a.goHome),
	}
	e := v.ent
	if e == nil {
		return kit.Centred(a.Heading(a.T("service.pay.title"))), nav
	}
	items := []fyne.CanvasObject{
		a.Heading(a.entName(*e)),
		a.Para(a.T("pay.choose_items"), widget.MediumImportance),
	}
	for _, it := range a.svc.Payment.Items(e.CreditCode) {
		text := a.T("pay.item", "name", counter.TextIn(it.Name, a.Lang()), "period", a.Period(it.Period), "amount", kit.Yuan(it.Amount), "due", it.Due)
		if it.Overdue() {
			text = a.T("pay.item.overdue", "name", counter.TextIn(it.Name, a.Lang()), "period", a.Period(it.Period), "amount", kit.Yuan(it.Amount),
				"due", it.Due, "days", it.DaysLate, "surcharge", kit.Yuan(it.Surcharge))
		}
		id := it.ID
		b := a.WrapButton("pay.item."+id, widget.MediumImportance, func() {
			if v.chosen == nil {
				v.chosen = map[string]bool{}
			}
			v.chosen[id] = !v.chosen[id]
			a.render()
		})
		b.Alignment = widget.ButtonAlignLeading
		icon := theme.CheckButtonIcon()
		switch {
		case it.Submitted:
			delete(v.chosen, id)
			text = a.T("pay.item.submitted", "name", counter.TextIn(it.Name, a.Lang()), "period", a.Period(it.Period), "amount", kit.Yuan(it.Amount))
			icon = theme.CheckButtonCheckedIcon()
			b.Disable()
		case v.chosen[id]:
			icon = theme.CheckButtonCheckedIcon()
			b.Importance = widget.HighImportance
		case it.Overdue():
			b.Importance = widget.WarningImportance // marked overdue until chosen
		}
		// The item's line wraps in its button: in large text it is longer than the screen.
		items = append(items, kit.TouchSizedW(a.Draw(b, text, icon), 900))
	}
	ids := v.items()
	total := widget.NewLabelWithStyle(v.totalText(len(ids), v.bill(a.now())), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	total.Importance, total.Wrapping = widget.HighImportance, fyne.TextWrapWord
	next := a.NewButton("pay.next", widget.HighImportance, func() { a.show(ScreenPayConfirm) })
	if len(ids) == 0 {
		next.Disable()
	}
	// The total beside Next, in one row: five items still fit the screen.
	// The items scroll under the heading when there are many; the total and Next stay in sight.
	foot := container.NewBorder(nil, nil, nil, kit.TouchSized(next, 280), total)
	return kit.Scrolled(items[0], container.NewVBox(items[1:]...), foot), nav
}

// payConfirm shows what will be debited from which account before anything is.
func (v *payFlow) confirm() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	nav := []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenPayItems) }),
		a.NavButton("common.home", a.goHome),
	}
	e := v.ent
	if e == nil || e.Agreement == nil {
		return kit.Centred(a.Heading(a.T("service.pay.title"))), nav
	}
	yuan := func(m money.Amount) string { return a.T("money.yuan", "amount", kit.Yuan(m)) }
	// Who pays from where on the left, what is paid and its total on the right: five items
	// still fit, and names that wrap in English leave room for the button.
	bill := v.bill(a.now())
	var lines []string
	for _, it := range bill.Lines {
		// Each item's surcharge is on the items screen and the receipt; here the total
		// says how much of it is surcharge, so that the lines stay one each.
		lines = append(lines, counter.TextIn(it.Name, a.Lang())+" "+a.Period(it.Period)+" · "+yuan(it.Amount))
	}
	who := widget.NewForm(
		widget.NewFormItem(a.T("pay.field.enterprise"), a.value(a.entName(*e)+"\n"+e.CreditCode)),
		widget.NewFormItem(a.T("pay.receipt.account"), a.value(counter.TextIn(e.Agreement.Bank, a.Lang())+"\n"+e.Agreement.Account)),
	)
	what := widget.NewForm(
		widget.NewFormItem(a.T("pay.field.items"), a.value(strings.Join(lines, "\n"))),
		widget.NewFormItem(a.T("pay.receipt.total"), a.value(v.billTotal(bill))),
	)
	form := container.NewGridWithColumns(2, who, what)
	if a.Theme().LargeText() {
		// One above the other: side by side, a credit code broke across two lines.
		form = container.NewVBox(who, what)
	}
	submit := a.NewButton("pay.submit", widget.HighImportance, v.submit)
	if len(v.items()) == 0 {
		submit.Disable()
	}
	// The bill scrolls when it is long; the heading and Pay stay put.
	return kit.Scrolled(
		a.Heading(a.T("pay.confirm.title")),
		container.NewVBox(form, a.Para(a.T("pay.confirm.note"), widget.WarningImportance)),
		container.NewCenter(kit.TouchSized(submit, 360)),
	), nav
}

// submitPayment hands the payment to the core off the UI thread. The confirm screen, and
// with it the button, is gone before the core is called, so a second tap finds nothing; the
// core refuses the same items again while this payment stands.
func (v *payFlow) submit() {
	a := v.a
	ids := v.items()
	if v.ent == nil || len(ids) == 0 {
		return
	}
	code, lang := v.ent.CreditCode, a.Lang()
	a.show(ScreenSubmitting)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		out, err := a.svc.Payment.Pay(ctx, code, ids, lang)
		a.do(func() {
			if err == nil {
				v.chosen = map[string]bool{}
			}
			a.submitted(out, err, ScreenPayResult)
		})
	}()
}

// billTotal is a bill's total, with its taxes and surcharges apart when it has any.
func (v *payFlow) billTotal(b latepay.Bill) string {
	a := v.a
	if b.Surcharge > 0 {
		return a.T("pay.bill.surcharge", "tax", kit.Yuan(b.Tax), "surcharge", kit.Yuan(b.Surcharge), "amount", kit.Yuan(b.Total()))
	}
	return a.T("money.yuan", "amount", kit.Yuan(b.Total()))
}

// totalText is the running total of n chosen items: taxes and surcharges apart when any
// item is overdue.
func (v *payFlow) totalText(n int, b latepay.Bill) string {
	a := v.a
	if b.Surcharge > 0 {
		return a.T("pay.total.surcharge", "n", n, "tax", kit.Yuan(b.Tax), "surcharge", kit.Yuan(b.Surcharge), "amount", kit.Yuan(b.Total()))
	}
	return a.T("pay.total", "n", n, "amount", kit.Yuan(b.Total()))
}

func (v *payFlow) result() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	return a.serviceResult("pay.done.")
}
