package screens

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/bridge"
	kt "taxkiosk/ui/theme"
)

// Desk is the kiosk core as the screens use it.
type Desk interface {
	Touch()
	Remaining() time.Duration
	Person() (session.Person, bool)
	EndSession(session.EndReason)
	KeepSession()
	EnterMaintenance(ctx context.Context, pin, via string) error
	ExitMaintenance(ctx context.Context)
	CallHelp(ctx context.Context, source string) (number string, err error)
	Services() []desk.Availability
	History() []desk.HistoryItem
	Enterprises() []hallapi.Enterprise
	EnterprisesCachedAt() time.Time
	OutOfService() string
	InMaintenance() bool
	AwaitTechnician(on bool)
	Facilities() []desk.FacilityState
	VerifyInvoice(ctx context.Context, inv *scanner.Invoice) (desk.Verification, error)
	TakeTicket(ctx context.Context, business string, lang i18n.Lang) (desk.Ticket, error)
	Certificates() []desk.CertificateItem
	PrintCertificate(ctx context.Context, creditCode, certID string, lang i18n.Lang) (printKey string, err error)
	Reprint(ctx context.Context, txnID string) (printKey string, err error)
	Rate(ctx context.Context, level int, reasons []string, service txn.Kind) error
	VATDraft() vatreturn.Return
	ComputeVAT(r vatreturn.Return) (vatreturn.Return, error)
	VATThreshold(r vatreturn.Return) money.Amount
	SubmitVATReturn(ctx context.Context, r vatreturn.Return, lang i18n.Lang) (desk.Outcome, error)
	CollectInvoices(ctx context.Context, creditCode, typeCode string, qty int, lang i18n.Lang) (desk.Outcome, error)
	PayableItems(creditCode string) []desk.PayableItem
	PayTaxes(ctx context.Context, creditCode string, itemIDs []string, lang i18n.Lang) (desk.Outcome, error)
}

// NetState is what the network indicator shows.
type NetState struct {
	Online     bool
	Connecting bool // no exchange with the hall has ended yet: neither online nor offline
	Pending    int  // transactions accepted here and not yet acknowledged by the hall
}

// Screen names the screen on show.
type Screen string

const (
	ScreenIdle       Screen = "idle"
	ScreenWelcome    Screen = "welcome"
	ScreenVAT        Screen = "vat"
	ScreenConfirm    Screen = "confirm"
	ScreenSubmitting Screen = "submitting"
	ScreenResult     Screen = "result"
	ScreenError      Screen = "error"
	ScreenScan       Screen = "scan"
	ScreenRate       Screen = "rate"
	ScreenFiler      Screen = "filer"
	ScreenCode       Screen = "code"
	ScreenPIN        Screen = "pin"
	ScreenMaint      Screen = "maint"
	ScreenQueue      Screen = "queue"
	ScreenCert       Screen = "cert"
)

// App is the taxpayer's touchscreen: one window, one screen at a time. Every method runs on
// the UI thread (main wires core events in through package bridge).
type App struct {
	desk    Desk
	cat     *i18n.Catalog
	theme   *kt.Theme
	refresh func()       // re-applies the theme after a size change
	do      func(func()) // runs work done off the UI thread back on it (Opts.Do)
	now     func() time.Time

	lang   i18n.Lang
	net    NetState
	screen Screen
	// per-screen state; reset whenever the session ends, so no personal data outlives it
	notice string // message key shown on the idle screen
	// noticeUntil: a session's closing notice leaves the idle screen then (zero: stays, for
	// a card-read failure that concerns whoever stands there now).
	noticeUntil time.Time
	cardLeft    bool      // the last session's card still lies on the reader
	defaultLang i18n.Lang // the language every visit starts in
	person      session.Person
	draft       vatreturn.Return
	vatEdit     vatEdit // what the keypad is typing into
	code        codeEdit
	ent         *hallapi.Enterprise // the enterprise filed for, as the hall knows it; nil otherwise
	verify      *desk.Verification  // the hall's answer on the scanned invoice
	outcome     desk.Outcome
	errKey      string
	scan        desk.ScanView
	inv         invoiceEdit
	pay         payEdit
	banner      string    // a translated line shown above the current screen until the next one
	absent      bool      // the presence sensor sees nobody: the idle screen rests
	rating      rating    // the rating screen's choices; anonymous
	liftBy      time.Time // while the card-lifted question stands: when the session ends by itself
	tech        Technician
	pin         pinPad
	gesture     []time.Time // recent taps on the idle title
	mt          maintState  // the maintenance pages' state; reset on entry, exit and wipe
	// varies formats values that change from run to run on the maintenance pages (times read
	// from devices, round trips, temporary paths); nil shows them as they are. Golden-image
	// tests set a placeholder.
	varies func(string) string
	// inflight counts maintenance work running off the UI thread that will come back through
	// Opts.Do; tests wait for none before they tap, as a technician's finger would.
	inflight atomic.Int32

	root      *fyne.Container
	countdown *widget.Label
	liftLabel *widget.Label
	netLabel  *canvas.Text
	buttons   map[string]*widget.Button // by translation key, for tests and the bridge
}

// Opts configures New.
type Opts struct {
	Lang i18n.Lang
	// Refresh is called after the large-text switch so the app re-reads theme sizes; main
	// passes a function that re-sets the theme. Nil does nothing.
	Refresh func()
	// Now is the clock of the screens' own timeouts; nil means time.Now.
	Now func() time.Time
	// Technician is the maintenance menu's side of the kiosk; nil means no menu.
	Technician Technician
	// Do runs f on the UI thread, where work done off it comes back; nil means bridge.Do.
	// Tests pass their own, run on the test's goroutine, because Fyne's test driver runs
	// fyne.Do on the caller's goroutine, racing the test reading the screen.
	Do func(f func())
}

// New builds the app on the idle screen.
func New(d Desk, cat *i18n.Catalog, th *kt.Theme, opts Opts) *App {
	if opts.Lang == "" {
		opts.Lang = i18n.ZH
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Do == nil {
		opts.Do = bridge.Do
	}
	a := &App{desk: d, cat: cat, theme: th, lang: opts.Lang, defaultLang: opts.Lang, refresh: opts.Refresh, now: opts.Now, tech: opts.Technician, do: opts.Do, screen: ScreenIdle, net: NetState{Connecting: true}}
	a.root = container.NewStack()
	a.render()
	return a
}

// Content is the window's content.
func (a *App) Content() fyne.CanvasObject { return a.root }

// Screen is the screen on show.
func (a *App) Screen() Screen { return a.screen }

// Lang is the language on show.
func (a *App) Lang() i18n.Lang { return a.lang }

// T translates key into the current language.
func (a *App) T(key string, kv ...any) string { return a.cat.T(a.lang, key, kv...) }

// HandleEvent reacts to the core's events.
func (a *App) HandleEvent(e desk.Event) {
	switch e := e.(type) {
	case desk.SessionStarted:
		a.person = e.Person
		a.notice, a.cardLeft = "", false
		a.liftBy = time.Time{}
		a.show(ScreenWelcome)
	case desk.SessionEnded:
		a.liftBy = time.Time{}
		if a.screen == ScreenRate { // Finish ended the session on purpose; the rating is anonymous
			return
		}
		a.wipe()
		if e.Reason == session.CardChanged {
			return // another card's session starts at once: nothing to say to the last person
		}
		a.endVisit("idle.ended." + string(e.Reason))
	case desk.CardReturned:
		a.liftBy = time.Time{}
		a.render()
	case desk.CardOnReader:
		a.cardLeft = e.On
		if a.screen == ScreenIdle {
			a.render()
		}
	case desk.ServicesChanged:
		if a.screen == ScreenWelcome || a.screen == ScreenIdle {
			a.render()
		}
	case desk.Scanned:
		switch a.screen { // never in the middle of a return: the form would be lost
		case ScreenIdle, ScreenWelcome, ScreenScan, ScreenResult, ScreenError, ScreenInvoiceResult, ScreenPayResult:
			a.scan, a.verify = e.View, nil
			a.show(ScreenScan)
		}
	case desk.EnterprisesLoaded:
		if a.screen == ScreenFiler || a.screen == ScreenInvoiceEnt || a.screen == ScreenPayEnt {
			a.render()
		}
	case desk.MaintenanceChanged:
		switch {
		case !e.On:
			a.wipe()
			a.notice = ""
			a.show(ScreenIdle)
		case a.screen == ScreenPIN: // a technician's card opened it
			a.pinAnswer(nil)
		case a.screen == ScreenIdle: // from kioskctl: taxpayers see the kiosk out of service
			a.render()
		}
	case desk.TechnicianRefused:
		if a.screen == ScreenPIN {
			a.pinAnswer(e.Err)
		}
	case desk.DoorChanged:
		if e.Open && a.screen == ScreenIdle {
			a.openPIN("door")
		}
	case desk.CardLifted:
		if a.screen != ScreenIdle && a.screen != ScreenRate {
			a.liftBy = a.now().Add(e.Grace)
			a.render()
		}
	case desk.HelpCalled:
		a.banner = a.T("help.called", "number", e.Number)
		a.render()
	case desk.PresenceChanged:
		a.absent = !e.Present
		if a.absent && !a.noticeUntil.IsZero() {
			a.notice = "" // whoever it was told to has left
		}
		if a.screen == ScreenIdle {
			a.render()
		}
	case desk.CardFailed:
		if a.screen == ScreenIdle {
			a.notice = e.MessageKey
			a.render()
		}
	}
}

// SetNetwork updates the network indicator.
func (a *App) SetNetwork(n NetState) {
	if n == a.net {
		return
	}
	a.net = n
	a.render() // the indicator's width changes: the top bar is laid out again
}

// Tick updates the idle countdown; the bridge calls it every second.
func (a *App) Tick() {
	a.pinTick()
	if a.screen == ScreenIdle && a.notice != "" && !a.noticeUntil.IsZero() && !a.now().Before(a.noticeUntil) {
		a.notice, a.noticeUntil = "", time.Time{} // a closing line is for the one leaving
		a.render()
		return
	}
	if a.countdown == nil {
		return
	}
	defer a.maintTick() // last: it may start a redraw of its own
	if a.liftLabel != nil {
		left := max(0, a.liftBy.Sub(a.now()))
		a.liftLabel.SetText(a.T("lift.ask", "s", int(left.Round(time.Second)/time.Second)))
	}
	if a.screen == ScreenRate {
		left := rateTimeout - a.now().Sub(a.rating.since)
		if left <= 0 {
			a.finishVisit("idle.ended.finished")
			return
		}
		a.countdown.SetText(a.T("common.countdown", "s", int(left.Round(time.Second)/time.Second)))
		return
	}
	left := a.desk.Remaining()
	if left <= 0 || a.screen == ScreenIdle || a.screen == ScreenSubmitting {
		if a.countdown.Text != "" { // a label set, even to the same text, repaints the window
			a.countdown.SetText("")
		}
		return
	}
	a.countdown.SetText(a.T("common.countdown", "s", int(left.Round(time.Second)/time.Second)))
}

// noticeFor is how long the idle screen keeps a session's closing line (感谢使用…,
// 长时间无操作…): long enough for the one leaving, gone before the next one arrives.
const noticeFor = 15 * time.Second

// endVisit goes back to the idle screen with a closing line once a visit is over, and puts
// back what the taxpayer set (language, text size): the next person starts afresh.
func (a *App) endVisit(noticeKey string) {
	a.lang = a.defaultLang
	if a.theme.LargeText() {
		a.theme.SetLargeText(false)
		if a.refresh != nil {
			a.refresh()
		}
	}
	a.notice, a.noticeUntil = noticeKey, a.now().Add(noticeFor)
	a.show(ScreenIdle)
}

// wipe forgets everything personal the screens held.
func (a *App) wipe() {
	a.person = session.Person{}
	a.draft = vatreturn.Return{}
	a.vatEdit = vatEdit{}
	a.code = codeEdit{}
	a.ent = nil
	a.verify = nil
	a.outcome = desk.Outcome{}
	a.errKey = ""
	a.scan = desk.ScanView{}
	a.inv = invoiceEdit{}
	a.pay = payEdit{}
	a.mt = maintState{}
}

func (a *App) show(s Screen) {
	a.screen = s
	a.banner = ""
	a.render()
}

// tap wraps a button action: every touch keeps the session alive.
func (a *App) tap(f func()) func() {
	return func() {
		a.desk.Touch()
		f()
	}
}

func (a *App) render() {
	a.buttons = map[string]*widget.Button{}
	build, ok := a.pages()[a.screen]
	if !ok {
		build = a.idle
	}
	body, nav := build()
	if a.screen == ScreenIdle && a.absent {
		body, nav = a.resting(), nil
	}
	if a.banner != "" {
		body = container.NewBorder(a.para(a.banner, widget.SuccessImportance), nil, nil, nil, body)
	}
	a.liftLabel = nil
	if !a.liftBy.IsZero() {
		body = container.NewBorder(a.liftQuestion(), nil, nil, nil, body)
	}
	bg := canvas.NewRectangle(kt.Paper)
	page := container.NewBorder(a.topBar(), a.bottomBar(nav), nil, nil, container.NewPadded(body))
	a.root.Objects = []fyne.CanvasObject{bg, page}
	a.root.Refresh()
	a.Tick()
}

func (a *App) topBar() fyne.CanvasObject {
	title := canvas.NewText(a.T("app.title"), kt.Paper)
	title.TextSize = a.theme.Size("text") * 1.4
	title.TextStyle.Bold = true
	a.netLabel = canvas.NewText("", kt.Paper)
	a.netLabel.TextSize = a.theme.Size("text")
	a.updateNet()
	lang := a.button("common.lang_switch", widget.MediumImportance, func() {
		if a.lang == i18n.ZH {
			a.lang = i18n.EN
		} else {
			a.lang = i18n.ZH
		}
		a.render()
	})
	sizeKey := "common.large_text"
	if a.theme.LargeText() {
		sizeKey = "common.normal_text"
	}
	size := a.button(sizeKey, widget.MediumImportance, func() {
		a.theme.SetLargeText(!a.theme.LargeText())
		if a.refresh != nil {
			a.refresh()
		}
		a.render()
	})
	help := a.button("help.call", widget.WarningImportance, a.callHelp)
	bar := container.NewHBox(layout.NewSpacer(), a.netLabel, help, size, lang)
	// The title doubles as the hidden maintenance gesture: an invisible button over it.
	hidden := widget.NewButton("", a.titleTapped)
	hidden.Importance = widget.LowImportance
	a.buttons["hidden.gesture"] = hidden
	left := container.NewStack(hidden, container.NewCenter(title))
	bg := canvas.NewRectangle(kt.Brand)
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, left, nil, bar)))
}

func (a *App) updateNet() {
	if a.netLabel == nil {
		return
	}
	text := a.T("net.online")
	switch {
	case a.net.Connecting:
		text = a.T("net.connecting")
	case !a.net.Online:
		text = a.T("net.offline")
	}
	if a.net.Pending > 0 {
		text += " · " + a.T("net.queued", "n", a.net.Pending)
	}
	a.netLabel.Text = "● " + text
	a.netLabel.Color = kt.Paper
	if !a.net.Online && !a.net.Connecting {
		a.netLabel.Color = rgb(0xff, 0xd5, 0x4f)
	}
	a.netLabel.Refresh()
}

func (a *App) bottomBar(nav []fyne.CanvasObject) fyne.CanvasObject {
	a.countdown = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	a.countdown.Importance = widget.LowImportance
	left := container.NewHBox()
	right := container.NewHBox()
	for i, o := range nav {
		if i == 0 {
			left.Add(o)
		} else {
			right.Add(o)
		}
	}
	return container.NewPadded(container.NewBorder(nil, nil, left, right, a.countdown))
}

// liftQuestion asks, after the ID card left the reader, whether to finish or go on.
func (a *App) liftQuestion() fyne.CanvasObject {
	a.liftLabel = a.para("", widget.WarningImportance)
	keep := a.button("lift.keep", widget.HighImportance, func() {
		a.desk.KeepSession()
		a.liftBy = time.Time{}
		a.render()
	})
	finish := a.button("common.finish", widget.MediumImportance, a.finish)
	return container.NewVBox(a.liftLabel, container.NewCenter(container.NewHBox(touchSized(finish, 240), touchSized(keep, 240))))
}

// finish ends the session on the taxpayer's word: a visit that filed something goes on to
// the rating, any other back to the idle screen.
func (a *App) finish() {
	service := a.outcome.Kind
	a.liftBy = time.Time{}
	a.desk.EndSession(session.Finished)
	a.wipe()
	if service == "" {
		a.finishVisit("idle.ended.finished")
		return
	}
	a.rating = rating{service: service, since: a.now()}
	a.show(ScreenRate)
}

// pages maps each screen to the function that builds its body and its navigation buttons.
func (a *App) pages() map[Screen]func() (fyne.CanvasObject, []fyne.CanvasObject) {
	return map[Screen]func() (fyne.CanvasObject, []fyne.CanvasObject){
		ScreenIdle: a.idle, ScreenWelcome: a.welcome, ScreenFiler: a.filerScreen, ScreenCode: a.codeScreen,
		ScreenVAT: a.vatForm, ScreenConfirm: a.confirm, ScreenSubmitting: a.submitting,
		ScreenResult: a.result, ScreenError: a.errorScreen, ScreenScan: a.scanScreen, ScreenRate: a.rateScreen,
		ScreenPIN: a.pinScreen, ScreenMaint: a.maintScreen, ScreenQueue: a.queueScreen, ScreenCert: a.certScreen,
		ScreenInvoiceEnt: a.invoiceEnterprises, ScreenInvoiceType: a.invoiceTypes, ScreenInvoiceQty: a.invoiceQuantity,
		ScreenInvoiceConfirm: a.invoiceConfirm, ScreenInvoiceResult: a.invoiceResult,
		ScreenPayEnt: a.payEnterprises, ScreenPayItems: a.payItems, ScreenPayConfirm: a.payConfirm, ScreenPayResult: a.payResult,
	}
}

// callHelp calls the expert seat off the UI thread (the call is written to disk first); the
// desk's HelpCalled event brings the confirmation back.
func (a *App) callHelp() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := a.desk.CallHelp(ctx, "screen"); err != nil {
			a.do(func() {
				a.banner = a.T("help.failed")
				a.render()
			})
		}
	}()
}

// resting is the idle screen while nobody stands at the kiosk: quiet, and woken by the
// presence sensor or a touch.
func (a *App) resting() fyne.CanvasObject {
	t := canvas.NewText(a.T("idle.attract"), kt.Muted)
	t.TextSize = a.theme.Size("subHeadingText")
	t.Alignment = fyne.TextAlignCenter
	wake := widget.NewButton("", a.tap(func() { a.absent = false; a.render() }))
	wake.Importance = widget.LowImportance
	a.buttons["idle.attract"] = wake
	return container.NewStack(wake, container.NewCenter(t))
}

// button makes a touch-sized button labelled with key's translation.
func (a *App) button(key string, imp widget.Importance, f func()) *widget.Button {
	b := widget.NewButton(a.T(key), a.tap(f))
	b.Importance = imp
	a.buttons[key] = b
	return b
}

// Button returns the button labelled with key on the current screen, or nil.
func (a *App) Button(key string) *widget.Button { return a.buttons[key] }

// navButton is a Back, Home or Finish button at least MinTouch high and wide.
func (a *App) navButton(key string, f func()) fyne.CanvasObject {
	return touchSized(a.button(key, widget.MediumImportance, f), 200)
}

// goHome returns to the start: the service menu while a taxpayer is identified (their card
// still lies on the reader), the idle screen otherwise. Finish is what ends a session.
func (a *App) goHome() {
	a.draft, a.errKey, a.scan = vatreturn.Return{}, "", desk.ScanView{}
	if p, ok := a.desk.Person(); ok {
		a.person = p
		a.show(ScreenWelcome)
		return
	}
	a.wipe()
	a.notice = ""
	a.show(ScreenIdle)
}

func (a *App) heading(text string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = "headingText"
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (a *App) para(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// String describes the app for logs without personal data.
func (a *App) String() string { return fmt.Sprintf("screens.App(%s, %s)", a.screen, a.lang) }
