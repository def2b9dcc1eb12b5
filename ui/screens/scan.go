package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/ui/kit"
)

// scanFlow is the screen of a scanned code: what the code is, and the hall's answer on an
// invoice once asked for.
type scanFlow struct {
	a      *App
	view   scan.View
	verify *scan.Verification // nil until the hall answered
}

// screen shows what a scanned code is: an invoice's fields, checked for form, or where
// a receipt's transaction stands. It shows no personal data: anyone may hold a receipt.
func (sf *scanFlow) screen() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := sf.a
	v := sf.view
	var items []fyne.CanvasObject
	switch v.Kind {
	case scan.KindInvoice:
		inv := v.Invoice
		orNone := func(s string) string {
			if s == "" {
				return a.T("scan.invoice.none")
			}
			return s
		}
		date := inv.Date
		if len(date) == 8 {
			date = date[:4] + "-" + date[4:6] + "-" + date[6:]
		}
		form := widget.NewForm(
			widget.NewFormItem(a.T("scan.invoice.type"), widget.NewLabel(strings.TrimSpace(inv.TypeName+" "+inv.TypeCode))),
			widget.NewFormItem(a.T("scan.invoice.code"), widget.NewLabel(orNone(inv.InvoiceCode))),
			widget.NewFormItem(a.T("scan.invoice.number"), widget.NewLabel(orNone(inv.InvoiceNumber))),
			widget.NewFormItem(a.T("scan.invoice.date"), widget.NewLabel(orNone(date))),
			widget.NewFormItem(a.T("scan.invoice.amount"), widget.NewLabel(a.T("money.yuan", "amount", scannedAmount(inv.Amount)))),
			widget.NewFormItem(a.T("scan.invoice.check_code"), widget.NewLabel(orNone(inv.CheckCode))),
		)
		items = append(items, a.Heading(a.T("scan.title.invoice")), form)
		if inv.Valid {
			items = append(items, a.Para(a.T("scan.invoice.valid"), widget.SuccessImportance))
			items = append(items, sf.verification(inv)...)
		} else {
			problems := make([]string, len(inv.Problems))
			for i, p := range inv.Problems {
				problems[i] = a.T("scan.problem." + p)
			}
			items = append(items, a.Para(a.T("scan.invoice.invalid", "problems", strings.Join(problems, a.T("scan.list_sep"))), widget.DangerImportance))
		}
	case scan.KindReceipt:
		r := v.Receipt
		fields := []*widget.FormItem{
			widget.NewFormItem(a.T("scan.receipt.number"), widget.NewLabel(r.Number)),
			widget.NewFormItem(a.T("scan.receipt.kind"), widget.NewLabel(a.T("kind."+string(r.Kind)))),
			widget.NewFormItem(a.T("scan.receipt.time"), widget.NewLabel(r.AcceptedAt.Format("2006-01-02 15:04"))),
			widget.NewFormItem(a.T("scan.receipt.state"), widget.NewLabel(a.T("scan.state."+string(r.State)))),
		}
		if ans := a.hallText(r.Kind, r.Code, r.Message); ans != "" {
			fields = append(fields, widget.NewFormItem(a.T("scan.receipt.message"), a.value(ans)))
		} else if r.Message != "" {
			fields = append(fields, widget.NewFormItem(a.T("scan.receipt.message"), a.value(r.Message)))
		}
		items = append(items, a.Heading(a.T("scan.title.receipt")), widget.NewForm(fields...))
	case scan.KindForeign:
		items = append(items, a.Heading(a.T("scan.title.foreign")), a.Para(a.T("scan.foreign"), widget.MediumImportance))
	default:
		items = append(items, a.Heading(a.T("scan.title.unknown")), a.Para(a.T("scan.unknown"), widget.MediumImportance))
	}
	back := func() {
		sf.view = scan.View{}
		if _, ok := a.desk.Person(); ok {
			a.show(ScreenWelcome)
		} else {
			a.show(ScreenIdle)
		}
	}
	// An invoice's fields scroll under the heading on a short screen.
	return kit.Scrolled(items[0], container.NewVBox(items[1:]...), nil), []fyne.CanvasObject{a.NavButton("common.back", back), a.NavButton("common.home", a.goHome)}
}

// verification offers to check a well-formed invoice with the hall, and shows the answer.
func (sf *scanFlow) verification(inv *scanner.Invoice) []fyne.CanvasObject {
	a := sf.a
	v := sf.verify
	if v == nil {
		ask := a.NewButton("verify.ask", widget.HighImportance, func() {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
				defer cancel()
				res, err := a.svc.Scan.Verify(ctx, inv)
				a.do(func() {
					if a.screen != ScreenScan {
						return
					}
					if err != nil {
						a.setBanner(widget.DangerImportance, counter.MessageKey(err))
					} else {
						sf.verify = &res
					}
					a.render()
				})
			}()
		})
		return []fyne.CanvasObject{container.NewCenter(kit.TouchSized(ask, 320))}
	}
	if v.Queued {
		return []fyne.CanvasObject{a.Para(a.T("verify.queued", "number", v.Number), widget.WarningImportance)}
	}
	imp := widget.DangerImportance
	if v.Result == "genuine" {
		imp = widget.SuccessImportance
	}
	out := []fyne.CanvasObject{a.Para(a.T("verify."+v.Result), imp)}
	msg := v.Message.ZH
	if a.Lang() != "zh" {
		msg = v.Message.EN
	}
	if msg != "" {
		out = append(out, a.Para(a.T("verify.hall_says", "message", msg), widget.MediumImportance))
	}
	return out
}

// scannedAmount is an invoice's amount as the screens show figures; what does not read as
// one is shown as the code printed it.
func scannedAmount(s string) string {
	if m, err := money.Parse(s); err == nil {
		return kit.Yuan(m)
	}
	return s
}

// scanHelpScreen says where the scan window is, with a picture of the kiosk's front, and
// what can be scanned here; a code scanned while it is open shows its result (HandleEvent).
// The window is below the screen on the right on every kiosk of this cabinet; the kiosk's
// configuration has no setting for another cabinet yet.
func (a *App) scanHelpScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	pic := canvas.NewImageFromResource(resource("scanwindow.svg"))
	pic.FillMode = canvas.ImageFillContain
	pic.SetMinSize(fyne.NewSize(256, 240))
	lines := container.NewVBox(
		a.Para(a.T("scan.help.where"), widget.HighImportance),
		a.Para(a.T("scan.help.receipt"), widget.MediumImportance),
		a.Para(a.T("scan.help.invoice"), widget.MediumImportance),
	)
	for _, f := range a.desk.Facilities() {
		if f.Facility == desk.FacilityScan && !f.Available {
			lines.Add(a.Para(a.T(f.ReasonKey), widget.DangerImportance))
		}
	}
	lines.Add(a.Para(a.T("scan.help.waiting"), widget.LowImportance))
	body := container.NewBorder(nil, nil, container.NewCenter(pic), nil, lines)
	// What it says scrolls under the heading when large text makes it longer than the screen.
	return kit.Scrolled(a.Heading(a.T("scan.tile.title")), body, nil), []fyne.CanvasObject{
		a.NavButton("common.back", a.goHome),
		a.NavButton("common.home", a.goHome),
	}
}

// facilityUp says whether f works now (the desk lists the ones it supervises).
func (a *App) facilityUp(f desk.Facility) bool {
	for _, s := range a.desk.Facilities() {
		if s.Facility == f {
			return s.Available
		}
	}
	return true
}
