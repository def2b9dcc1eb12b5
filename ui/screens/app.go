package screens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/ui/bridge"
	"taxkiosk/ui/kit"
	"taxkiosk/ui/techpages"
	kt "taxkiosk/ui/theme"
)

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
	ScreenTicket     Screen = "ticket"    // a queue number just taken, until it is acknowledged
	ScreenScanHelp   Screen = "scan_help" // where to hold a code, and what can be scanned
)

// App is the taxpayer's touchscreen: one window, one screen at a time. Every method runs on
// the UI thread (main wires core events in through package bridge).
type App struct {
	*kit.Face // the words and buttons of the page on show
	desk      Desk
	svc       Services     // the taxpayer services, each over the desk
	refresh   func()       // re-applies the theme after a size change
	do        func(func()) // runs work done off the UI thread back on it (Opts.Do)
	now       func() time.Time

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
	outcome     counter.Outcome // the last submission's: its result screen, and the rating's service
	errKey      string
	banner      words             // a line shown above the current screen until the next one
	bannerTone  widget.Importance // the banner's colour; zero (medium) means success
	absent      bool              // the presence sensor sees nobody: the idle screen rests
	helpOpen    string            // the number of the kiosk's open call for the seat: 取消呼叫 is offered
	// one screen type per service that holds state, each reset by wipe
	vat     vatFlow
	inv     invoiceFlow
	pay     payFlow
	scan    scanFlow
	rate    rateFlow
	liftBy  time.Time        // while the card-lifted question stands: when the session ends by itself
	gesture []time.Time      // recent taps on the idle title
	maint   *techpages.Pages // the PIN pad and the maintenance menu; nil without a technician
	ann     annState         // the hall's notices rotating on the idle screen (notices.go)

	// ticket is the queue number on the ticket screen (nil otherwise); queueNumber the
	// number taken in this session, said on the service menu until the session ends.
	ticket      *takenTicket
	queueNumber string

	root      *fyne.Container
	countdown *widget.Label
	liftLabel *widget.Label
	netLabel  *widget.RichText
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
func New(d Desk, svc Services, cat *i18n.Catalog, th *kt.Theme, opts Opts) *App {
	if opts.Lang == "" {
		opts.Lang = i18n.ZH
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Do == nil {
		opts.Do = bridge.Do
	}
	a := &App{desk: d, svc: svc, defaultLang: opts.Lang, refresh: opts.Refresh, now: opts.Now, do: opts.Do, screen: ScreenIdle, net: NetState{Connecting: true}}
	a.Face = kit.NewFace(cat, th, opts.Lang, d.Touch)
	a.wipe()
	a.rate = rateFlow{a: a}
	if opts.Technician != nil {
		a.maint = techpages.New(a.Face, techHost{a}, techGate{d}, opts.Technician)
	}
	a.root = container.NewStack()
	a.render()
	return a
}

// Content is the window's content.
func (a *App) Content() fyne.CanvasObject { return a.root }

// Screen is the screen on show.
func (a *App) Screen() Screen { return a.screen }

// HandleEvent reacts to the core's events.
func (a *App) HandleEvent(e desk.Event) {
	switch e := e.(type) {
	case desk.SessionStarted:
		a.person = e.Person
		a.notice, a.cardLeft = "", false
		a.liftBy = time.Time{}
		a.ticket = nil // a number taken just before stays said on the service menu
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
	case scan.Scanned:
		switch a.screen { // never in the middle of a return: the form would be lost
		case ScreenIdle, ScreenWelcome, ScreenScan, ScreenScanHelp, ScreenResult, ScreenError, ScreenInvoiceResult, ScreenPayResult:
			a.scan.view, a.scan.verify = e.View, nil
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
			a.maint.Answer(nil)
		case a.screen == ScreenIdle: // from kioskctl: taxpayers see the kiosk out of service
			a.render()
		}
	case desk.TechnicianRefused:
		if a.screen == ScreenPIN {
			a.maint.Answer(e.Err)
		}
	case desk.DoorChanged:
		switch {
		case e.Open && a.screen == ScreenIdle:
			a.openPIN("door")
		case a.screen == ScreenIdle: // shut: the idle screen asks for a card again
			a.render()
		}
	case desk.CardLifted:
		if a.screen != ScreenIdle && a.screen != ScreenRate {
			a.liftBy = a.now().Add(e.Grace)
			a.render()
		}
	case desk.HelpCalled:
		a.helpOpen = e.Number
		a.setBanner(widget.MediumImportance, "help.called", "number", e.Number)
		a.render()
	case desk.HelpAccepted: // the seat took the call (staff-web)
		a.helpOpen = ""
		a.setBanner(widget.MediumImportance, "help.accepted")
		a.render()
	case desk.HelpCancelled:
		a.helpOpen = ""
		if !e.Withdrawn { // withdrawn with its session: the next taxpayer is not told of it
			a.setBanner(widget.MediumImportance, "help.cancelled", "number", e.Number)
		}
		a.render()
	case desk.HelpEnded: // resolved by the seat, or timed out: nothing left to cancel
		a.helpOpen = ""
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
	if a.screen == ScreenPIN {
		a.maint.Tick() // closes a pad left untouched
	}
	a.annTick()
	if a.screen == ScreenIdle && a.notice != "" && !a.noticeUntil.IsZero() && !a.now().Before(a.noticeUntil) {
		a.notice, a.noticeUntil = "", time.Time{} // a closing line is for the one leaving
		a.render()
		return
	}
	if a.screen == ScreenTicket && a.ticket != nil && !a.now().Before(a.ticket.since.Add(ticketFor)) {
		if _, carded := a.desk.Person(); !carded {
			a.ticketTaken() // no card session will end this visit: the ticket's own time does
			return
		}
	}
	if a.countdown == nil {
		return
	}
	if a.screen == ScreenMaint {
		defer a.maint.Tick() // last: it may start a redraw of its own
	}
	if a.liftLabel != nil {
		left := max(0, a.liftBy.Sub(a.now()))
		a.liftLabel.SetText(a.T("lift.ask", "s", int(left.Round(time.Second)/time.Second)))
		if a.countdown.Text != "" { // the question counts down: one countdown on the screen
			a.countdown.SetText("")
		}
		return
	}
	if a.screen == ScreenRate {
		left := rateTimeout - a.now().Sub(a.rate.since)
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
	a.SetLang(a.defaultLang)
	if a.Theme().LargeText() {
		a.Theme().SetLargeText(false)
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
	a.outcome = counter.Outcome{}
	a.errKey = ""
	a.vat, a.inv, a.pay, a.scan = vatFlow{a: a}, invoiceFlow{a: a}, payFlow{a: a}, scanFlow{a: a}
	a.ticket, a.queueNumber = nil, ""
	if a.maint != nil {
		a.maint.Leave()
	}
}

func (a *App) show(s Screen) {
	a.screen = s
	a.banner, a.bannerTone = words{}, widget.MediumImportance
	a.desk.NoteScreen(string(s), a.errKey) // a help call tells the seat where the taxpayer is
	a.render()
}

func (a *App) render() {
	a.Clear()
	build, ok := a.pages()[a.screen]
	if a.maint != nil {
		switch a.screen {
		case ScreenPIN:
			build, ok = a.maint.PINScreen, true
		case ScreenMaint:
			build, ok = a.maint.MenuScreen, true
		}
	}
	if !ok {
		build = a.idle
	}
	body, nav := build()
	if a.screen == ScreenIdle && a.absent {
		body, nav = a.resting(), nil
	}
	if a.banner.key != "" {
		tone := widget.SuccessImportance
		if a.bannerTone != widget.MediumImportance {
			tone = a.bannerTone
		}
		body = container.NewBorder(a.Para(a.say(a.banner), tone), nil, nil, nil, body)
	}
	a.liftLabel = nil
	switch {
	case a.liftBy.IsZero():
	case a.screen == ScreenVAT || a.screen == ScreenCode || a.screen == ScreenInvoiceQty:
		// A keypad page has no room to spare above its keys, which must not scroll: the
		// question stands in its place until answered (what was typed is kept), and the
		// page's steps forward leave the bottom bar with it, so that "go on" means one
		// thing.
		body = kit.Centred(a.liftQuestion())
		var back []fyne.CanvasObject
		for _, o := range nav {
			if a.GoesLeft(o) {
				back = append(back, o)
			}
		}
		nav = back
	default:
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
	title.TextSize = a.Theme().Size("text") * 1.4
	if a.Theme().LargeText() {
		// The kiosk's name is not read, it is recognised: it does not grow (a little
		// smaller, as the normal sub-heading), and the room goes to the buttons and the
		// network's state beside it, which then stays on one line in English.
		title.TextSize = a.Theme().Size(theme.SizeNameSubHeadingText) / kt.LargeScale
	}
	title.TextStyle.Bold = true
	// The network's state wraps in what the title and the buttons leave: in English and
	// large text, "Connecting to the hall…" on one line pushed the window past 1280.
	a.netLabel = widget.NewRichText()
	a.netLabel.Wrapping = a.Wrapping()
	a.updateNet()
	lang := a.NewButton("common.lang_switch", widget.MediumImportance, func() {
		if a.Lang() == i18n.ZH {
			a.SetLang(i18n.EN)
		} else {
			a.SetLang(i18n.ZH)
		}
		a.render()
	})
	sizeKey := "common.large_text"
	if a.Theme().LargeText() {
		sizeKey = "common.normal_text"
	}
	size := a.NewButton(sizeKey, widget.MediumImportance, func() {
		a.Theme().SetLargeText(!a.Theme().LargeText())
		if a.refresh != nil {
			a.refresh()
		}
		a.render()
	})
	var help *widget.Button
	if a.helpOpen != "" { // one call at a time: while it is open, the button withdraws it
		help = a.NewButton("help.cancel", widget.WarningImportance, a.cancelHelp)
	} else {
		help = a.NewButton("help.call", widget.WarningImportance, a.callHelp)
	}
	bar := container.NewHBox(help, size, lang)
	// The title doubles as the hidden maintenance gesture: an invisible button over it.
	hidden := widget.NewButton("", a.titleTapped)
	hidden.Importance = widget.LowImportance
	a.Register("hidden.gesture", hidden)
	left := container.NewStack(hidden, container.NewCenter(title))
	bg := canvas.NewRectangle(kt.Brand)
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, left, bar, a.netLabel)))
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
	ink := fyne.ThemeColorName(theme.ColorNameForegroundOnPrimary)
	if !a.net.Online && !a.net.Connecting {
		ink = kt.ColorNameOnBrandAlert
	}
	a.netLabel.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: "● " + text,
		Style: widget.RichTextStyle{Alignment: fyne.TextAlignTrailing, ColorName: ink, SizeName: theme.SizeNameCaptionText}}}
	a.netLabel.Refresh()
}

func (a *App) bottomBar(nav []fyne.CanvasObject) fyne.CanvasObject {
	a.countdown = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	a.countdown.Importance = widget.LowImportance
	// In caption size, and wrapping in what the buttons leave: with four of them in large
	// text (the credit-code page) a line of body text made the bar wider than the screen.
	a.countdown.SizeName = theme.SizeNameCaptionText
	a.countdown.Wrapping = a.Wrapping()
	left := container.NewHBox()
	right := container.NewHBox()
	for _, o := range nav { // the one layout rule: Face.GoesLeft
		if a.GoesLeft(o) {
			left.Add(o)
		} else {
			right.Add(o)
		}
	}
	return container.NewPadded(container.NewBorder(nil, nil, left, right, a.countdown))
}

// finishHere is a result page's own Finish, or nil while the card-lifted question stands:
// the question has the one Finish, and its countdown the one countdown, of the screen.
func (a *App) finishHere() fyne.CanvasObject {
	if !a.liftBy.IsZero() {
		return nil
	}
	return container.NewCenter(kit.TouchSized(a.NewButton("common.finish", widget.HighImportance, a.finish), 320))
}

// liftQuestion asks, after the ID card left the reader, whether to finish or go on: the
// question beside its two answers, one row that leaves the page below room in large text.
func (a *App) liftQuestion() fyne.CanvasObject {
	a.liftLabel = a.Para("", widget.WarningImportance)
	keep := a.NewButton("lift.keep", widget.HighImportance, func() {
		a.desk.KeepSession()
		a.liftBy = time.Time{}
		a.render()
	})
	finish := a.NewButton("common.finish", widget.MediumImportance, a.finish)
	return container.NewBorder(nil, nil, nil, container.NewHBox(kit.TouchSized(finish, 220), kit.TouchSized(keep, 220)), a.liftLabel)
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
	a.rate.rating = rating{service: service, since: a.now()}
	a.show(ScreenRate)
}

// pages maps each screen to the function that builds its body and its navigation buttons.
func (a *App) pages() map[Screen]func() (fyne.CanvasObject, []fyne.CanvasObject) {
	return map[Screen]func() (fyne.CanvasObject, []fyne.CanvasObject){
		ScreenIdle: a.idle, ScreenWelcome: a.welcome, ScreenFiler: a.vat.filer, ScreenCode: a.vat.codeScreen,
		ScreenVAT: a.vat.form, ScreenConfirm: a.vat.confirm, ScreenSubmitting: a.submitting,
		ScreenResult: a.vat.result, ScreenError: a.errorScreen, ScreenScan: a.scan.screen, ScreenRate: a.rate.screen,
		ScreenQueue: a.queueScreen, ScreenCert: a.certScreen, ScreenTicket: a.ticketScreen, ScreenScanHelp: a.scanHelpScreen,
		ScreenInvoiceEnt: a.inv.enterprises, ScreenInvoiceType: a.inv.types, ScreenInvoiceQty: a.inv.quantityScreen,
		ScreenInvoiceConfirm: a.inv.confirm, ScreenInvoiceResult: a.inv.result,
		ScreenPayEnt: a.pay.enterprises, ScreenPayItems: a.pay.itemsScreen, ScreenPayConfirm: a.pay.confirm, ScreenPayResult: a.pay.result,
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
				a.setBanner(widget.DangerImportance, "help.failed")
				a.render()
			})
		}
	}()
}

// cancelHelp withdraws the open call off the UI thread (the cancel is written to disk
// first); the desk's HelpCancelled event brings the confirmation back.
func (a *App) cancelHelp() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := a.desk.CancelHelp(ctx)
		if err == nil {
			return
		}
		a.do(func() {
			if errors.Is(err, desk.ErrNoHelpCall) { // taken or closed meanwhile
				a.helpOpen = ""
			} else {
				a.setBanner(widget.DangerImportance, "help.cancel_failed")
			}
			a.render()
		})
	}()
}

// resting is the idle screen while nobody stands at the kiosk: quiet, and woken by the
// presence sensor or a touch.
func (a *App) resting() fyne.CanvasObject {
	t := canvas.NewText(a.T("idle.attract"), kt.Muted)
	t.TextSize = a.Theme().Size("subHeadingText")
	t.Alignment = fyne.TextAlignCenter
	wake := widget.NewButton("", a.Tap(func() { a.absent = false; a.render() }))
	wake.Importance = widget.LowImportance
	a.Register("idle.attract", wake)
	return container.NewStack(wake, container.NewCenter(t))
}

// goHome returns to the start: the service menu while a taxpayer is identified (their card
// still lies on the reader), the idle screen otherwise. Finish is what ends a session.
func (a *App) goHome() {
	a.vat.draft, a.errKey, a.scan.view = vatreturn.Return{}, "", scan.View{}
	if p, ok := a.desk.Person(); ok {
		a.person = p
		a.show(ScreenWelcome)
		return
	}
	a.wipe()
	a.notice = ""
	a.show(ScreenIdle)
}

// String describes the app for logs without personal data.
func (a *App) String() string { return fmt.Sprintf("screens.App(%s, %s)", a.screen, a.Lang()) }

// words is a catalogue text and its values, kept untranslated until drawn: a line set by an
// event (a help call, a print's outcome, a refusal) then reads in the language switched to
// after it. A value that is itself words is translated with it (a printer's reason).
type words struct {
	key string
	kv  []any
}

// say is w in the language on show.
func (a *App) say(w words) string {
	kv := make([]any, len(w.kv))
	for i, v := range w.kv {
		if inner, ok := v.(words); ok {
			v = a.say(inner)
		}
		kv[i] = v
	}
	return a.T(w.key, kv...)
}

// setBanner sets the line above the screen to key and its values, in tone (medium: success).
func (a *App) setBanner(tone widget.Importance, key string, kv ...any) {
	a.banner, a.bannerTone = words{key, kv}, tone
}
