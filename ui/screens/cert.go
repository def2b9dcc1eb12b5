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
	head := []fyne.CanvasObject{a.Heading(a.T("service.cert.title"))}
	list := a.svc.Certificate.List()
	if len(list) == 0 {
		head = append(head, a.Para(a.T("cert.none"), widget.WarningImportance))
	} else {
		head = append(head, a.Para(a.T("cert.list"), widget.MediumImportance))
	}
	var items []fyne.CanvasObject
	for _, it := range list {
		name, kind := it.Enterprise.Name, it.Certificate.Name.ZH
		if a.Lang() != "zh" {
			kind = it.Certificate.Name.EN
			if it.Enterprise.NameEN != "" {
				name = it.Enterprise.NameEN
			}
		}
		line := a.T("cert.item", "name", name, "kind", kind, "period", a.Period(it.Certificate.Period),
			"amount", kit.Yuan(it.Certificate.Amount), "paid", it.Certificate.PaidOn)
		code, id := it.Enterprise.CreditCode, it.Certificate.ID
		b := a.NewButton("cert.print", widget.HighImportance, func() { a.printCertificate(code, id) })
		a.Register("cert.print."+id, b)
		label := widget.NewLabel(line)
		label.Wrapping = fyne.TextWrapWord
		items = append(items, container.NewBorder(nil, nil, nil, kit.TouchSized(b, 160), label))
	}
	// The list scrolls under the heading when an enterprise has more than a screenful.
	return kit.Scrolled(container.NewVBox(head...), container.NewVBox(items...), nil), []fyne.CanvasObject{
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
			switch { // a failure in the danger colour, never the success green (issue 12)
			case err != nil:
				a.setBanner(widget.DangerImportance, counter.MessageKey(err))
			case key != "":
				a.setBanner(widget.DangerImportance, "cert.print_failed", "reason", words{key: key})
			default:
				a.setBanner(widget.MediumImportance, "cert.printed")
			}
			a.render()
		})
	}()
}
