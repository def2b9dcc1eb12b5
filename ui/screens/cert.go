package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/services/counter"
	"taxkiosk/ui/kit"
)

// certScreen lists the tax payment certificates the hall holds for the taxpayer's
// enterprises, each printable with one tap.
func (a *App) certScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	items := []fyne.CanvasObject{a.Heading(a.T("service.cert.title"))}
	list := a.svc.Certificate.List()
	if len(list) == 0 {
		items = append(items, a.Para(a.T("cert.none"), widget.WarningImportance))
	} else {
		items = append(items, a.Para(a.T("cert.list"), widget.MediumImportance))
	}
	for _, it := range list {
		name, kind := it.Enterprise.Name, it.Certificate.Name.ZH
		if a.Lang() != "zh" {
			kind = it.Certificate.Name.EN
			if it.Enterprise.NameEN != "" {
				name = it.Enterprise.NameEN
			}
		}
		line := a.T("cert.item", "name", name, "kind", kind, "period", it.Certificate.Period,
			"amount", it.Certificate.Amount.String(), "paid", it.Certificate.PaidOn)
		code, id := it.Enterprise.CreditCode, it.Certificate.ID
		b := a.NewButton("cert.print", widget.HighImportance, func() { a.printCertificate(code, id) })
		a.Register("cert.print."+id, b)
		label := widget.NewLabel(line)
		label.Wrapping = fyne.TextWrapWord
		items = append(items, container.NewBorder(nil, nil, nil, kit.TouchSized(b, 160), label))
	}
	return kit.Centred(items...), []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenWelcome) }),
		a.NavButton("common.home", a.goHome),
	}
}

func (a *App) printCertificate(code, id string) {
	lang := a.Lang()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		key, err := a.svc.Certificate.Print(ctx, code, id, lang)
		a.do(func() {
			switch {
			case err != nil:
				a.banner = a.T(counter.MessageKey(err))
			case key != "":
				a.banner = a.T("cert.print_failed", "reason", a.T(key))
			default:
				a.banner = a.T("cert.printed")
			}
			a.render()
		})
	}()
}
