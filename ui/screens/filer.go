package screens

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// codeEdit is the credit-code keypad's state.
type codeEdit struct {
	text   string
	errKey string // why the last OK was refused, or ""
}

// filerScreen asks whom the return is for: the person at the kiosk as an individual
// business, or an enterprise they act for.
func (v *vatFlow) filer() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	// One tile a row, all as wide as the enterprises' (TileText): the list lines up.
	self := a.TileText("filer.self", a.T("filer.self"), a.T("filer.self.desc"), func() {
		v.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerSelf}
		v.ent = nil
		a.show(ScreenVAT)
	})
	items := []fyne.CanvasObject{a.Heading(a.T("filer.title")), container.NewCenter(self)}
	if at := a.desk.EnterprisesCachedAt(); !at.IsZero() && len(a.desk.Enterprises()) > 0 {
		items = append(items, a.Para(a.T("filer.cached", "time", at.Format("01-02 15:04")), widget.WarningImportance))
	}
	// The enterprises the hall says this person acts for, one tap each; any other by code.
	for _, e := range a.desk.Enterprises() {
		name := e.Name
		if a.Lang() != "zh" && e.NameEN != "" {
			name = e.NameEN
		}
		tile := a.TileText("filer.ent."+e.CreditCode, name, a.T("filer.enterprise.known", "role", a.T("role."+e.Role), "code", e.CreditCode), func() {
			v.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: e.CreditCode}
			v.ent = &e
			a.show(ScreenVAT)
		})
		items = append(items, container.NewCenter(tile))
	}
	ent := a.TileText("filer.enterprise", a.T("filer.enterprise"), a.T("filer.enterprise.desc"), func() { v.ent = nil; a.show(ScreenCode) })
	items = append(items, container.NewCenter(ent))
	body := kit.Centred(items...)
	return body, []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenWelcome) }),
		a.NavButton("common.home", a.goHome),
	}
}

// codeScreen takes a unified social credit code on an on-screen keyboard of the 31
// characters codes use, and checks it (GB 32100) before going on.
func (v *vatFlow) codeScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	shown := v.code.text + strings.Repeat("_", max(0, creditcode.Len-len(v.code.text)))
	display := canvas.NewText(spaced(shown), kt.Ink)
	display.TextSize = a.Theme().Size("subHeadingText")
	display.TextStyle.Monospace = true
	display.Alignment = fyne.TextAlignCenter

	var keys []fyne.CanvasObject
	for _, c := range creditcode.Alphabet {
		ch := string(c)
		b := widget.NewButton(ch, a.Tap(func() {
			if len(v.code.text) < creditcode.Len {
				v.code.text += ch
			}
			v.code.errKey = ""
			a.render()
		}))
		a.Register("code."+ch, b)
		keys = append(keys, kit.TouchSized(b, kt.MinTouch))
	}
	back := a.NewButton("keypad.back", widget.MediumImportance, func() {
		if v.code.text != "" {
			v.code.text = v.code.text[:len(v.code.text)-1]
		}
		v.code.errKey = ""
		a.render()
	})
	clear := a.NewButton("keypad.clear", widget.MediumImportance, func() { v.code = codeEdit{}; a.render() })
	ok := kit.TouchSized(a.NewButton("code.ok", widget.HighImportance, v.acceptCode), 240)
	// Go-on-anyway is there only after a failed check digit, but its room always is: the
	// keys must not move when it comes or goes.
	cont := a.NewButton("code.continue", widget.WarningImportance, func() {
		v.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: v.code.text, CheckFailed: true}
		a.show(ScreenVAT)
	})
	// The hint sits where an error will: one slot for both, so nothing moves.
	msg, tone := a.T("code.hint"), widget.LowImportance
	if v.code.errKey != "" {
		msg, tone = a.T(v.code.errKey), widget.DangerImportance
	}
	// Clear and backspace beside what they change, as on a calculator; OK and go-on-anyway
	// in the bottom bar, at the right, as every step forward: a row of its own under the
	// keys made the page taller than 720 lines. The keys take the height that is left.
	shownRow := container.NewBorder(nil, nil, kit.TouchSized(clear, 160), kit.TouchSized(back, 160), display)
	// The title a size down from a heading, without a label's padding: with large text on
	// a 720-line output the keys, the code and its message need the room.
	title := canvas.NewText(a.T("code.title"), kt.Ink)
	title.TextSize, title.TextStyle.Bold, title.Alignment = a.Theme().Size(theme.SizeNameSubHeadingText), true, fyne.TextAlignCenter
	head := container.NewVBox(title, shownRow)
	body := kit.Filled(head, kit.Keyboard(keys...), a.Message(msg, tone))
	return body, []fyne.CanvasObject{
		a.NavButton("common.back", func() { a.show(ScreenFiler) }),
		a.NavButton("common.home", a.goHome),
		kit.Reserve(kit.TouchSized(cont, 240), v.code.errKey == "code.bad_check"),
		ok,
	}
}

// acceptCode checks the typed code and goes on to the return, or says what is wrong.
func (v *vatFlow) acceptCode() {
	a := v.a
	code := creditcode.Normalize(v.code.text)
	switch err := creditcode.Check(code); {
	case err == nil:
		v.draft.Filer = vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: code}
		a.show(ScreenVAT)
		return
	case errors.Is(err, creditcode.ErrLength):
		v.code.errKey = "code.bad_length"
	case errors.Is(err, creditcode.ErrCheck):
		v.code.errKey = "code.bad_check"
	default:
		v.code.errKey = "code.bad_char"
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
