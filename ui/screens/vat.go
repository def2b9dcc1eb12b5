package screens

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/ui/kit"
)

// vatFlow is the VAT return's screens and what they hold: whom it is for (filer.go), the
// form, its confirmation and result. It is reset with the session.
type vatFlow struct {
	a     *App
	draft vatreturn.Return
	edit  vatEdit             // what the keypad is typing into
	code  codeEdit            // the credit code typed for an enterprise the hall did not list
	ent   *hallapi.Enterprise // the enterprise filed for, as the hall knows it; nil otherwise
	// refusal is why the offline policy would not accept the form as it stands, shown on
	// the form in the language on show; no key once the taxpayer types again.
	refusal words
}

// start opens a new return from the service menu.
func (v *vatFlow) start() {
	v.draft = v.a.svc.Filing.Draft()
	v.edit = vatEdit{field: fieldSales}
	v.code = codeEdit{}
	v.a.show(ScreenFiler)
}

// The amounts the VAT form lets a taxpayer type.
const (
	fieldSales  = "sales"
	fieldExempt = "exempt"
)

// vatEdit is the keypad's state on the VAT form: which amount it types into, and the text
// typed so far for each (so "12." can be on screen before it is an amount).
type vatEdit struct {
	field string
	text  map[string]string
	bad   bool // the last key would have made an amount with more than two decimals
}

// maxWhole bounds the integer digits of an amount: a trillion yuan is not a small taxpayer.
const maxWhole = 12

// press applies one keypad key to the text of the field being typed.
func (e *vatEdit) press(key string) {
	if e.text == nil {
		e.text = map[string]string{}
	}
	t := e.text[e.field]
	e.bad = false
	switch key {
	case "clear":
		t = ""
	case "back":
		if t != "" {
			t = t[:len(t)-1]
		}
	case ".":
		if !strings.Contains(t, ".") {
			if t == "" {
				t = "0"
			}
			t += "."
		}
	default: // a digit
		whole, frac, dot := strings.Cut(t, ".")
		switch {
		case dot && len(frac) >= 2:
			e.bad = true
		case !dot && len(whole) >= maxWhole:
			e.bad = true
		case t == "0":
			t = key
		default:
			t += key
		}
	}
	e.text[e.field] = t
}

// amount is the field's typed text as an amount; "" and "12." read as 0 and 12.
func (e *vatEdit) amount(field string) money.Amount {
	t := strings.TrimSuffix(e.text[field], ".")
	if t == "" {
		return 0
	}
	a, err := money.Parse(t)
	if err != nil {
		return 0 // press keeps the text parseable; this is unreachable
	}
	return a
}

// shown is how a field reads on screen: the typed text while typing, else the amount.
func (e *vatEdit) shown(field string, a money.Amount) string {
	if t, ok := e.text[field]; ok && t != "" {
		return t
	}
	return kit.Yuan(a)
}

func (v *vatFlow) form() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	r := v.draft
	yuan := func(s string) string { return a.T("money.yuan", "amount", s) }
	field := func(key, name string, amount money.Amount) fyne.CanvasObject {
		imp := widget.MediumImportance
		if v.edit.field == name {
			imp = widget.HighImportance
		}
		b := a.NewButton(key, imp, func() { v.edit.field = name; a.render() })
		b.SetText(yuan(v.edit.shown(name, amount)))
		b.Alignment = widget.ButtonAlignTrailing
		return kit.TouchSized(b, 220)
	}
	filer := a.T("vat.filer.self")
	if r.Filer.Kind == vatreturn.FilerEnterprise {
		filer = r.Filer.CreditCode
	}
	// Whom for and which period on one line above the form: a form row each made the screen
	// taller than 800 lines.
	about := a.Para(a.T("vat.filer")+" "+filer+" · "+a.T("vat.period")+" "+a.PeriodOf(r.Period.Year, r.Period.Index, r.Period.Type == vatreturn.Quarterly), widget.MediumImportance)
	// A form of rows whose names wrap beside their values: Fyne's Form keeps each name on
	// one line, and in English and large text its names and the keypad made the page wider
	// than 1280.
	row := func(name string, value fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		return container.NewBorder(nil, nil, nil, value, l)
	}
	form := container.NewVBox(
		row(a.T("vat.sales"), field("vat.sales", fieldSales, r.Sales)),
		row(a.T("vat.exempt"), field("vat.exempt", fieldExempt, r.ExemptSales)),
		row(a.T("vat.small_exempt"), widget.NewLabel(yuan(kit.Yuan(r.SmallExempt)))),
		// The rate beside the tax it gives, in one row: a row of its own made the screen
		// taller than 800 lines.
		row(a.T("vat.tax"), widget.NewLabelWithStyle(yuan(kit.Yuan(r.TaxPayable))+" · "+a.T("vat.rate")+" "+
			a.T("vat.rate.value", "rate", vatreturn.RateText(r.RateBP)), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})),
	)
	var note fyne.CanvasObject
	switch {
	case v.refusal.key != "":
		note = a.Para(a.say(v.refusal), widget.DangerImportance)
	case v.edit.bad:
		note = a.Message(a.T("vat.bad_amount"), widget.DangerImportance)
	case r.Zero:
		note = a.Message(a.T("vat.zero_note"), widget.WarningImportance)
	case r.SmallExempt > 0:
		note = a.Message(a.T("vat.threshold_note", "threshold", kit.Yuan(a.svc.Filing.Threshold(r))), widget.SuccessImportance)
	default:
		note = a.Message(a.T("vat.edit_hint"), widget.LowImportance)
	}
	// Next in the bottom bar, beside Home: with it under the keypad the screen did not fit
	// 800 lines.
	next := kit.TouchSized(a.NewButton("vat.next", widget.HighImportance, v.next), 240)
	// The keypad takes the height under the title, its rows adapting to it; the form beside
	// it scrolls when large text makes it taller than the pad (720 lines), the pad never
	// does.
	body := kit.Filled(a.Title(a.T("vat.title")), container.NewBorder(nil, nil, nil, v.keypad(),
		container.NewVScroll(container.NewVBox(about, form, note))), nil)
	return body, []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenFiler) }),
		a.NavButton("common.home", a.goHome),
		next,
	}
}

// next goes to the confirmation once the offline policy would accept the return: a refusal
// (over the offline limit...) is shown on the form, which stays as typed.
func (v *vatFlow) next() {
	if v.refused(v.a.svc.Filing.Admits(v.draft)) {
		return
	}
	v.a.show(ScreenConfirm)
}

// refused shows a policy refusal on the form and reports whether err was one.
func (v *vatFlow) refused(err error) bool {
	var r *counter.RefusedError
	if !errors.As(err, &r) {
		return false
	}
	v.refusal = words{r.ReasonKey, r.Args}
	v.a.show(ScreenVAT)
	return true
}

// keypad is the on-screen numeric pad (kit's, as on every pad): kiosks have no keyboard.
func (v *vatFlow) keypad() fyne.CanvasObject {
	return v.a.Keypad("keypad.", ".", 72, v.typeKey)
}

// typeKey types into the selected amount and recomputes the return.
func (v *vatFlow) typeKey(k string) {
	a := v.a
	v.edit.press(k)
	v.refusal = words{}
	r := v.draft
	r.Sales, r.ExemptSales = v.edit.amount(fieldSales), v.edit.amount(fieldExempt)
	if c, err := a.svc.Filing.Compute(r); err == nil {
		v.draft = c
	}
	a.render()
}
