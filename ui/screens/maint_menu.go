package screens

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/tech"
	kt "taxkiosk/ui/theme"
)

// maintPage is one page of the maintenance menu; the menu itself is the empty page.
type maintPage string

const (
	pageMenu        maintPage = ""
	pageDevices     maintPage = "devices"
	pageSelfTest    maintPage = "selftest"
	pageOutbox      maintPage = "outbox"
	pageNetwork     maintPage = "network"
	pageConfig      maintPage = "config"
	pageEdit        maintPage = "edit" // one setting on the on-screen keyboard
	pageLogs        maintPage = "logs"
	pageConsumables maintPage = "consumables"
	pageReadiness   maintPage = "readiness"
)

// menuEntry is one page of the menu with the catalogue key of its title.
type menuEntry struct {
	page maintPage
	key  string
}

// maintMenu is the menu in its order.
func maintMenu() []menuEntry {
	return []menuEntry{
		{pageDevices, "maint.page.devices"},
		{pageSelfTest, "maint.page.selftest"},
		{pageOutbox, "maint.page.outbox"},
		{pageNetwork, "maint.page.network"},
		{pageConfig, "maint.page.config"},
		{pageLogs, "maint.page.logs"},
		{pageConsumables, "maint.page.consumables"},
		{pageReadiness, "maint.page.readiness"},
	}
}

// maintState is everything the maintenance pages hold between renders. It is reset when
// maintenance is entered or left, and by wipe, so a technician's half-typed setting or a
// self-test's (masked) card fields never outlive the visit.
type maintState struct {
	page maintPage
	// job is the technician action running off the UI thread (one at a time), and waitKey
	// what the screen says meanwhile; an answer whose job is no longer current is dropped.
	job     *byte
	waitKey string
	note    maintNote

	selfTest     *tech.SelfTest
	pins         []tech.Pin
	pinsReading  bool
	pinsAt       time.Time // when the levels were last asked for
	net          *tech.NetReport
	edit         settingEdit
	exportPath   string
	exportN      int
	confirmPaper bool // the paper-replaced button asked "are you sure?"
}

// maintNote is the last action's outcome, translated at render time so that a language
// switch translates it too.
type maintNote struct {
	key string
	kv  []any
	imp widget.Importance
}

// maintJobTimeout bounds any technician action; the self-tests bound themselves tighter
// (a card read 5 s, waiting for a scan 15 s).
const maintJobTimeout = 30 * time.Second

// maintScreen is the maintenance menu and its pages; taxpayer service is suspended meanwhile.
func (a *App) maintScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	if a.mt.page == pageMenu {
		return a.maintMenuPage(), nil
	}
	var body fyne.CanvasObject
	back := a.navButton("maint.menu", func() { a.openMaintPage(pageMenu) })
	switch a.mt.page {
	case pageDevices:
		body = a.devicesPage()
	case pageSelfTest:
		body = a.selfTestPage()
	case pageOutbox:
		body = a.outboxPage()
	case pageNetwork:
		body = a.networkPage()
	case pageConfig:
		body = a.configPage()
	case pageEdit:
		body = a.editPage()
		back = a.navButton("common.back", func() { a.openMaintPage(pageConfig) })
	case pageLogs:
		body = a.logsPage()
	case pageConsumables:
		body = a.consumablesPage()
	case pageReadiness:
		body = a.readinessPage()
	}
	title := a.maintTitle(a.mt.page)
	top := container.NewVBox(a.heading(title))
	if n := a.maintNoteLine(); n != nil {
		top.Add(n)
	}
	return container.NewBorder(top, nil, nil, nil, body), []fyne.CanvasObject{back, a.exitButton(200)}
}

func (a *App) maintTitle(p maintPage) string {
	if p == pageEdit {
		return a.T("maint.page.config")
	}
	for _, m := range maintMenu() {
		if m.page == p {
			return a.T(m.key)
		}
	}
	return a.T("maint.title")
}

// maintMenuPage is the menu: one large button per page, and the way back to service.
func (a *App) maintMenuPage() fyne.CanvasObject {
	grid := container.NewGridWithColumns(4)
	for _, m := range maintMenu() {
		p := m.page
		grid.Add(touchSized(a.button(m.key, widget.MediumImportance, func() { a.openMaintPage(p) }), 240))
	}
	items := []fyne.CanvasObject{a.heading(a.T("maint.title")), a.para(a.T("maint.menu.hint"), widget.LowImportance), grid,
		container.NewCenter(a.exitButton(480))}
	if n := a.maintNoteLine(); n != nil {
		items = append(items, n)
	}
	return centred(items...)
}

func (a *App) exitButton(minWidth float32) fyne.CanvasObject {
	return touchSized(a.button("maint.exit", widget.HighImportance, func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			a.desk.ExitMaintenance(ctx) // MaintenanceChanged brings the idle screen back
		}()
	}), minWidth)
}

// openMaintPage goes to page p and starts what the page shows first: a page's own
// measurement (the network check) runs on arrival, never on a mere re-render.
func (a *App) openMaintPage(p maintPage) {
	a.mt.page = p
	a.mt.note = maintNote{}
	a.mt.confirmPaper = false
	switch p {
	case pageNetwork:
		a.checkNetwork()
	case pageSelfTest:
		a.mt.pins, a.mt.pinsAt = nil, a.now()
		a.render()
		a.readPins()
	default:
		a.render()
	}
}

// pinsEvery is how often the self-test page reads the cabinet's inputs again.
const pinsEvery = time.Second

// maintTick keeps the live parts of a page live: the GPIO levels on the self-test page.
func (a *App) maintTick() {
	if a.screen == ScreenMaint && a.mt.page == pageSelfTest && a.now().Sub(a.mt.pinsAt) >= pinsEvery {
		a.readPins()
	}
}

// maintJob runs work off the UI thread (it waits on hardware, the disk or the network) and
// applies what it returns on the UI thread, if the technician is still on the page that
// asked. While it runs, the page says waitKey's text and other actions wait.
func (a *App) maintJob(waitKey string, work func(ctx context.Context) (apply func())) {
	if a.mt.job != nil {
		return
	}
	job, page := new(byte), a.mt.page
	a.mt.job, a.mt.waitKey, a.mt.note = job, waitKey, maintNote{}
	a.render()
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), maintJobTimeout)
		defer cancel()
		apply := work(ctx)
		a.do(func() {
			if a.screen != ScreenMaint || a.mt.job != job {
				return // maintenance was left meanwhile
			}
			a.mt.job, a.mt.waitKey = nil, ""
			if a.mt.page == page {
				apply()
			}
			a.render()
		})
	}()
}

// say sets the line under the page's title.
func (a *App) say(imp widget.Importance, key string, kv ...any) {
	a.mt.note = maintNote{key: key, kv: kv, imp: imp}
}

func (a *App) maintNoteLine() fyne.CanvasObject {
	switch {
	case a.mt.job != nil:
		return a.para(a.T(a.mt.waitKey), widget.WarningImportance)
	case a.mt.note.key != "":
		return a.para(a.T(a.mt.note.key, a.mt.note.kv...), a.mt.note.imp)
	}
	return nil
}

// vary passes a value that differs from run to run (a time read from a device or the hall,
// a measured round trip, a temporary path) through the App's varies formatter, which the
// golden-image tests set to a placeholder; in the kiosk it is nil and values show as they are.
func (a *App) vary(s string) string {
	if a.varies == nil {
		return s
	}
	return a.varies(s)
}

// tone is a row's verdict at a glance.
type tone int

const (
	toneNone tone = iota // information only
	toneOK
	toneWarn
	toneBad
)

func (t tone) color() color.Color {
	switch t {
	case toneOK:
		return kt.Success
	case toneWarn:
		return kt.Warning
	case toneBad:
		return kt.Danger
	}
	return color.Transparent
}

// infoRow is one line of a maintenance page: a coloured dot, a label and a value.
func (a *App) infoRow(t tone, label, value string) fyne.CanvasObject {
	dot := canvas.NewCircle(t.color())
	l := canvas.NewText(label+a.T("maint.sep"), kt.Muted)
	l.TextSize = a.theme.Size("text")
	v := canvas.NewText(clip(value, 80), kt.Ink)
	v.TextSize = a.theme.Size("text")
	if t == toneWarn || t == toneBad {
		v.Color = t.color()
	}
	return container.NewHBox(container.NewGridWrap(fyne.NewSize(24, 32), container.NewCenter(sized(dot, 18))), l, v)
}

// smallText is technical detail: counters, error strings, log lines.
func (a *App) smallText(s string, mono bool) *canvas.Text {
	t := canvas.NewText(clip(s, 112), kt.Muted)
	t.TextSize = a.theme.Size(fynetheme.SizeNameCaptionText)
	t.TextStyle.Monospace = mono
	return t
}

func sized(o fyne.CanvasObject, side float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(side, side), o)
}

// clip shortens s to n characters, so that one long value cannot push a page off screen.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// label translates key when the catalogue has it, and shows raw otherwise: names that come
// from configuration (an indicator's name) have no catalogue entry.
func (a *App) label(key, raw string) string {
	if a.cat.Has(key) {
		return a.T(key)
	}
	return raw
}

// actions lays touch-sized buttons out in a centred row.
func actions(buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.NewHBox(buttons...))
}

// stamp formats a time read from outside the screens' own clock (a device, the hall, a file).
func (a *App) stamp(t time.Time) string {
	if t.IsZero() {
		return a.T("maint.never")
	}
	return a.vary(t.In(a.now().Location()).Format("2006-01-02 15:04:05"))
}
