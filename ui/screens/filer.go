package screens

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/services/vatreturn"
	kt "taxkiosk/ui/theme"
)

// codeEdit is the credit-code keypad's state.
type codeEdit struct {
	text   string
	errKey string // why the last OK was refused, or ""
}

// filerScreen asks whom the return is for: the person at the kiosk as an individual
// business, or an enterprise they act for.
func (a *App) filerScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	self := a.tile("filer.self", "filer.self.desc", true, func() {
		a.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerSelf}
		a.ent = nil
		a.show(ScreenVAT)
	})
	items := []fyne.CanvasObject{a.heading(a.T("filer.title")), container.NewCenter(self)}
	if at := a.desk.EnterprisesCachedAt(); !at.IsZero() && len(a.desk.Enterprises()) > 0 {
		items = append(items, a.para(a.T("filer.cached", "time", at.Format("01-02 15:04")), widget.WarningImportance))
	}
	// The enterprises the hall says this person acts for, one tap each; any other by code.
	for _, e := range a.desk.Enterprises() {
		name := e.Name
		if a.lang != "zh" && e.NameEN != "" {
			name = e.NameEN
		}
		tile := a.tileText("filer.ent."+e.CreditCode, name, a.T("filer.enterprise.known", "role", a.T("role."+e.Role), "code", e.CreditCode), func() {
			a.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: e.CreditCode}
			a.ent = &e
			a.show(ScreenVAT)
		})
		items = append(items, container.NewCenter(tile))
	}
	ent := a.tile("filer.enterprise", "filer.enterprise.desc", true, func() { a.ent = nil; a.show(ScreenCode) })
	items = append(items, container.NewCenter(ent))
	body := centred(items...)
	return body, []fyne.CanvasObject{
		a.navButton("common.back", func() { a.show(ScreenWelcome) }),
		a.navButton("common.home", a.goHome),
	}
}

// codeScreen takes a unified social credit code on an on-screen keyboard of the 31
// characters codes use, and checks it (GB 32100) before going on.
func (a *App) codeScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	shown := a.code.text + strings.Repeat("_", max(0, creditcode.Len-len(a.code.text)))
	display := canvas.NewText(spaced(shown), kt.Ink)
	display.TextSize = a.theme.Size("subHeadingText")
	display.TextStyle.Monospace = true
	display.Alignment = fyne.TextAlignCenter

	keys := container.NewGridWithColumns(11)
	for _, c := range creditcode.Alphabet {
		ch := string(c)
		b := widget.NewButton(ch, a.tap(func() {
			if len(a.code.text) < creditcode.Len {
				a.code.text += ch
			}
			a.code.errKey = ""
			a.render()
		}))
		a.buttons["code."+ch] = b
		keys.Add(touchSized(b, 64))
	}
	back := a.button("keypad.back", widget.MediumImportance, func() {
		if a.code.text != "" {
			a.code.text = a.code.text[:len(a.code.text)-1]
		}
		a.code.errKey = ""
		a.render()
	})
	keys.Add(touchSized(back, 64))
	clear := a.button("keypad.clear", widget.MediumImportance, func() { a.code = codeEdit{}; a.render() })
	ok := a.button("code.ok", widget.HighImportance, a.acceptCode)
	actions := []fyne.CanvasObject{touchSized(clear, 200), touchSized(ok, 280)}
	if a.code.errKey == "code.bad_check" {
		cont := a.button("code.continue", widget.WarningImportance, func() {
			a.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: a.code.text, CheckFailed: true}
			a.show(ScreenVAT)
		})
		actions = append(actions, touchSized(cont, 280))
	}
	items := []fyne.CanvasObject{
		a.heading(a.T("code.title")),
		a.para(a.T("code.hint"), widget.LowImportance),
		display,
		keys,
		container.NewCenter(container.NewHBox(actions...)),
	}
	if a.code.errKey != "" {
		items = append(items, a.para(a.T(a.code.errKey), widget.DangerImportance))
	}
	return centred(items...), []fyne.CanvasObject{
		a.navButton("common.back", func() { a.show(ScreenFiler) }),
		a.navButton("common.home", a.goHome),
	}
}

// acceptCode checks the typed code and goes on to the return, or says what is wrong.
func (a *App) acceptCode() {
	code := creditcode.Normalize(a.code.text)
	switch err := creditcode.Check(code); {
	case err == nil:
		a.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: code}
		a.show(ScreenVAT)
		return
	case errors.Is(err, creditcode.ErrLength):
		a.code.errKey = "code.bad_length"
	case errors.Is(err, creditcode.ErrCheck):
		a.code.errKey = "code.bad_check"
	default:
		a.code.errKey = "code.bad_char"
	}
	a.render()
}

// spaced puts a thin gap every six characters so a taxpayer can compare with the licence.
func spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%6 == 0 {
			b.WriteString("  ")
		}
		b.WriteRune(r)
	}
	return b.String()
}
