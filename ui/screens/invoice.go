package screens

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/history"
	"taxkiosk/kiosk/services/invoice"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// The invoice collection's screens, in the order the taxpayer meets them.
const (
	ScreenInvoiceEnt     Screen = "invoice_enterprise"
	ScreenInvoiceType    Screen = "invoice_type"
	ScreenInvoiceQty     Screen = "invoice_quantity"
	ScreenInvoiceConfirm Screen = "invoice_confirm"
	ScreenInvoiceResult  Screen = "invoice_result"
)

// invoiceFlow is the invoice collection's screens, from the enterprise to the result, over
// the choices made so far.
type invoiceFlow struct {
	a *App
	invoiceEdit
}

// invoiceEdit is the invoice collection's choices so far. It holds the enterprise as the
// hall described it, so App.wipe drops it with the session.
type invoiceEdit struct {
	ent  *hallapi.Enterprise
	typ  string // the approved type chosen
	qty  string // digits typed on the keypad
	over bool   // the last key would have passed the approved limit
}

// approval is the chosen type's approval; ok is false before a type is chosen.
func (e *invoiceEdit) approval() (hallapi.InvoiceApproval, bool) {
	if e.ent == nil {
		return hallapi.InvoiceApproval{}, false
	}
	return invoice.Approval(*e.ent, e.typ)
}

// quantity is the number typed; 0 while nothing is.
func (e *invoiceEdit) quantity() int {
	n, err := strconv.Atoi(e.qty)
	if err != nil {
		return 0
	}
	return n
}

// press applies one keypad key, never letting the quantity pass limit: a taxpayer sees the
// limit while typing rather than a refusal at the end.
func (e *invoiceEdit) press(key string, limit int) {
	e.over = false
	switch key {
	case "clear":
		e.qty = ""
	case "back":
		if e.qty != "" {
			e.qty = e.qty[:len(e.qty)-1]
		}
	default: // a digit
		t := strings.TrimLeft(e.qty+key, "0")
		if n, err := strconv.Atoi(t); t != "" && (err != nil || n > limit) {
			e.over = true
			return
		}
		e.qty = t
	}
}

// startInvoice begins an invoice collection from the service menu.
func (v *invoiceFlow) start() {
	a := v.a
	v.invoiceEdit = invoiceEdit{}
	a.show(ScreenInvoiceEnt)
}

// entName is an enterprise's name in the language on show.
func (a *App) entName(e hallapi.Enterprise) string { return counter.EnterpriseName(e, a.Lang()) }

// invoiceEnterprises offers, one tap each, the enterprises the taxpayer may collect
// invoices for: those with an approved invoice type.
func (v *invoiceFlow) enterprises() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	items := []fyne.CanvasObject{a.Heading(a.T("service.invoice.title"))}
	var tiles, without []fyne.CanvasObject
	for _, e := range a.desk.Enterprises() {
		if len(e.Approvals) == 0 {
			without = append(without, a.Para(a.T("invoice.ent.without", "name", a.entName(e)), widget.MediumImportance))
			continue
		}
		desc := a.T("filer.enterprise.known", "role", a.T("role."+e.Role), "code", e.CreditCode)
		tiles = append(tiles, container.NewCenter(a.TileText("invoice.ent."+e.CreditCode, a.entName(e), desc, func() {
			v.invoiceEdit = invoiceEdit{ent: &e}
			a.show(ScreenInvoiceType)
		})))
	}
	if len(tiles) == 0 {
		items = append(items, a.Para(a.T("invoice.no_enterprise"), widget.WarningImportance))
	} else {
		items = append(items, a.Para(a.T("invoice.choose_enterprise"), widget.MediumImportance))
	}
	items = append(items, tiles...)
	items = append(items, without...)
	return kit.Centred(items...), []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenWelcome) }),
		a.NavButton("common.home", a.goHome),
	}
}

// invoiceTypes offers the enterprise's approved invoice types, each with its limit.
func (v *invoiceFlow) types() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	items := []fyne.CanvasObject{a.Heading(a.T("service.invoice.title"))}
	if e := v.ent; e != nil {
		items = append(items, a.Para(a.entName(*e), widget.MediumImportance), a.Para(a.T("invoice.choose_type"), widget.MediumImportance))
		for _, ap := range e.Approvals {
			desc := a.T("invoice.type.desc", "max", ap.MaxPerCollection, "amount", kit.Yuan(ap.MaxAmount))
			items = append(items, container.NewCenter(a.TileText("invoice.type."+ap.TypeCode, counter.TextIn(ap.Name, a.Lang()), desc, func() {
				v.typ, v.qty, v.over = ap.TypeCode, "", false
				a.show(ScreenInvoiceQty)
			})))
		}
	}
	return kit.Centred(items...), []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenInvoiceEnt) }),
		a.NavButton("common.home", a.goHome),
	}
}

// invoiceQuantity takes the number of invoices on a numeric keypad, within the approval.
func (v *invoiceFlow) quantityScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	nav := []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenInvoiceType) }),
		a.NavButton("common.home", a.goHome),
	}
	ap, ok := v.approval()
	if !ok {
		return kit.Centred(a.Heading(a.T("service.invoice.title"))), nav
	}
	shown := v.qty
	if shown == "" {
		shown = "0"
	}
	display := canvas.NewText(a.T("invoice.quantity.value", "n", shown), kt.Ink)
	display.TextSize = a.Theme().Size("headingText") * 1.4
	display.TextStyle.Bold = true
	display.Alignment = fyne.TextAlignCenter
	note := a.Message(a.T("invoice.qty.limit", "max", ap.MaxPerCollection), widget.MediumImportance)
	if v.over {
		note = a.Message(a.T("invoice.qty.over", "max", ap.MaxPerCollection), widget.DangerImportance)
	}
	next := a.NewButton("invoice.next", widget.HighImportance, func() { a.show(ScreenInvoiceConfirm) })
	if v.quantity() < 1 {
		next.Disable()
	}
	left := container.NewVBox(
		a.Para(counter.TextIn(ap.Name, a.Lang()), widget.MediumImportance),
		display,
		note,
	)
	// As on the VAT form: the pad takes the height under the title beside what it types, which
	// scrolls in large text on a short output; Next at the bottom right, as every step
	// forward.
	body := kit.Filled(a.Title(a.T("invoice.qty.title")), container.NewBorder(nil, nil, nil, v.countPad(ap.MaxPerCollection), container.NewVScroll(left)), nil)
	return body, append(nav, kit.TouchSized(next, 280))
}

// countPad is the numeric keypad for a count (kit's, as on every pad), within limit.
func (v *invoiceFlow) countPad(limit int) fyne.CanvasObject {
	return v.a.Keypad("keypad.", "", 96, func(k string) {
		v.press(k, limit)
		v.a.render()
	})
}

// invoiceConfirm shows the application before it is submitted.
func (v *invoiceFlow) confirm() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	nav := []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenInvoiceQty) }),
		a.NavButton("common.home", a.goHome),
	}
	ap, ok := v.approval()
	if !ok {
		return kit.Centred(a.Heading(a.T("service.invoice.title"))), nav
	}
	e := v.ent
	form := widget.NewForm(
		widget.NewFormItem(a.T("invoice.receipt.enterprise"), a.value(a.entName(*e))),
		widget.NewFormItem(a.T("receipt.filer"), a.value(e.CreditCode)),
		widget.NewFormItem(a.T("invoice.receipt.type"), a.value(counter.TextIn(ap.Name, a.Lang()))),
		widget.NewFormItem(a.T("invoice.receipt.quantity"), a.value(a.T("invoice.quantity.value", "n", v.quantity()))),
	)
	submit := kit.TouchSized(a.NewButton("invoice.submit", widget.HighImportance, v.submit), 360)
	// A long name scrolls under the heading; Submit stays in sight.
	return kit.Scrolled(
		a.Heading(a.T("invoice.confirm.title")),
		container.NewVBox(form, a.Para(a.T("invoice.confirm.note"), widget.LowImportance)),
		container.NewCenter(submit),
	), nav
}

// value is a form's value: wrapped, so that a long enterprise name is never clipped.
func (a *App) value(s string) fyne.CanvasObject {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// submitInvoice hands the application to the core off the UI thread. The confirm screen,
// and with it the button, is gone before the core is called, so a second tap finds nothing.
func (v *invoiceFlow) submit() {
	a := v.a
	if v.ent == nil {
		return
	}
	code, typ, qty, lang := v.ent.CreditCode, v.typ, v.quantity(), a.Lang()
	a.show(ScreenSubmitting)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		out, err := a.svc.Invoice.Collect(ctx, code, typ, qty, lang)
		a.do(func() { a.submitted(out, err, ScreenInvoiceResult) })
	}()
}

// submitted shows a submission's outcome on screen s, or the error screen.
func (a *App) submitted(out counter.Outcome, err error, s Screen) {
	if a.screen != ScreenSubmitting { // the session ended meanwhile; the receipt printed
		return
	}
	if err != nil {
		a.errKey = counter.MessageKey(err)
		a.show(ScreenError)
		return
	}
	a.outcome = out
	a.show(s)
}

func (v *invoiceFlow) result() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	return a.serviceResult("invoice.done.")
}

// serviceResult is the result screen of an invoice application or a payment: the number,
// whether the hall has it (and its answer, when it already came), whether the receipt
// printed. Texts are prefix + "title", "delivered", "queued", "receipt_failed".
func (a *App) serviceResult(prefix string) (fyne.CanvasObject, []fyne.CanvasObject) {
	o := a.outcome
	items := []fyne.CanvasObject{
		a.Heading("✓ " + a.T(prefix+"title")),
		a.Para(a.T("result.number", "number", counter.ReceiptNumber(o.Seq)), widget.MediumImportance),
	}
	if o.Delivered {
		items = append(items, a.Para(a.T(prefix+"delivered"), widget.SuccessImportance))
		for _, h := range a.svc.History.List() {
			if ans := a.hallAnswer(h); h.TxnID == o.TxnID && ans != "" {
				imp := widget.SuccessImportance
				if h.State != txn.Approved {
					imp = widget.DangerImportance
				}
				items = append(items, a.Para(a.T("pay.done.hall", "answer", ans), imp))
			}
		}
	} else {
		items = append(items, a.Para(a.T(prefix+"queued"), widget.WarningImportance))
	}
	if o.Printed {
		items = append(items, a.Para(a.T("result.receipt_printed"), widget.MediumImportance))
	} else {
		items = append(items, a.Para(a.T(prefix+"receipt_failed", "reason", a.T(o.PrintKey)), widget.DangerImportance))
	}
	if finish := a.finishHere(); finish != nil {
		items = append(items, finish)
	}
	// Home: another service in the same visit, the card still on the reader.
	return kit.Centred(items...), []fyne.CanvasObject{a.NavButton("common.home", a.goHome)}
}

// hallAnswers is the catalogue prefix of the hall's result codes for kind, or "".
func hallAnswers(kind txn.Kind) string {
	switch kind {
	case txn.KindInvoiceCollection:
		return "invoice.hall."
	case txn.KindTaxPayment:
		return "pay.hall."
	case txn.KindVATReturn:
		return "vat.hall."
	}
	return ""
}

// hallAnswer words the hall's answer on an invoice application or a payment, or "" before
// it came (and for other kinds, whose state says enough).
func (a *App) hallAnswer(h history.Item) string { return a.hallText(h.Kind, h.Code, h.Message) }

// hallText words the hall's result code of a transaction of kind, with its parameter
// message (a total, a limit), or "" when there is no wording for it.
func (a *App) hallText(kind txn.Kind, code, message string) string {
	prefix := hallAnswers(kind)
	if prefix == "" || code == "" || !a.Cat().Has(prefix+code) {
		return ""
	}
	switch code { // the hall's figure and period, shown as the screens show them
	case hallapi.ResultTaxMismatch, hallapi.ResultPaid, hallapi.ResultTotalMismatch:
		if m, err := money.Parse(message); err == nil {
			message = kit.Yuan(m)
		}
	case hallapi.ResultBadPeriod:
		message = a.Period(message)
	}
	return a.T(prefix+code, "message", message)
}
