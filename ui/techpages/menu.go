package techpages

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
	"taxkiosk/ui/kit"
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
	kv  []any // a value that is itself a text (words) is translated when the note is drawn
	imp widget.Importance
}

// words is a catalogue text inside a note's text, translated when the page is drawn, so a
// note says the same in the language the technician switches to.
type words struct {
	key string
	kv  []any
}

// maintJobTimeout bounds any technician action; the self-tests bound themselves tighter
// (a card read 5 s, waiting for a scan 15 s).
const maintJobTimeout = 30 * time.Second

// maintScreen is the maintenance menu and its pages; taxpayer service is suspended meanwhile.
// MenuScreen is the maintenance menu or the page chosen on it, with its navigation.
func (p *Pages) MenuScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	if p.mt.page == pageMenu {
		return p.maintMenuPage(), nil
	}
	var body fyne.CanvasObject
	back := p.NavButton("maint.menu", func() { p.openMaintPage(pageMenu) })
	switch p.mt.page {
	case pageDevices:
		body = p.devicesPage()
	case pageSelfTest:
		body = p.selfTestPage()
	case pageOutbox:
		body = p.outboxPage()
	case pageNetwork:
		body = p.networkPage()
	case pageConfig:
		body = p.configPage()
	case pageEdit:
		body = p.editPage()
		back = p.NavButton("common.back", func() { p.openMaintPage(pageConfig) })
	case pageLogs:
		body = p.logsPage()
	case pageConsumables:
		body = p.consumablesPage()
	case pageReadiness:
		body = p.readinessPage()
	}
	title := p.maintTitle(p.mt.page)
	top := container.NewVBox(p.Heading(title))
	switch n := p.maintNoteLine(); {
	case p.mt.page == pageEdit: // the keyboard under it must not move when a verdict comes or goes
		top.Add(p.noteSlot())
	case n != nil:
		top.Add(n)
	}
	return container.NewBorder(top, nil, nil, nil, body), []fyne.CanvasObject{back, p.exitButton(200)}
}

func (p *Pages) maintTitle(page maintPage) string {
	if page == pageEdit {
		return p.T("maint.page.config")
	}
	for _, m := range maintMenu() {
		if m.page == page {
			return p.T(m.key)
		}
	}
	return p.T("maint.title")
}

// maintMenuPage is the menu: one large button per page, and the way back to service.
func (p *Pages) maintMenuPage() fyne.CanvasObject {
	grid := container.NewGridWithColumns(4)
	for _, m := range maintMenu() {
		page := m.page
		grid.Add(kit.TouchSized(p.NewButton(m.key, widget.MediumImportance, func() { p.openMaintPage(page) }), 240))
	}
	items := []fyne.CanvasObject{p.Heading(p.T("maint.title")), p.Para(p.T("maint.menu.hint"), widget.LowImportance), grid,
		container.NewCenter(p.exitButton(480))}
	if n := p.maintNoteLine(); n != nil {
		items = append(items, n)
	}
	return kit.Centred(items...)
}

func (p *Pages) exitButton(minWidth float32) fyne.CanvasObject {
	return kit.TouchSized(p.NewButton("maint.exit", widget.HighImportance, func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p.gate.ExitMaintenance(ctx) // MaintenanceChanged brings the idle screen back
		}()
	}), minWidth)
}

// openMaintPage goes to page p and starts what the page shows first: a page's own
// measurement (the network check) runs on arrival, never on a mere re-render.
func (p *Pages) openMaintPage(page maintPage) {
	p.mt.page = page
	p.mt.note = maintNote{}
	p.mt.confirmPaper = false
	switch page {
	case pageNetwork:
		p.checkNetwork()
	case pageSelfTest:
		p.mt.pins, p.mt.pinsAt = nil, p.host.Now()
		p.host.Render()
		p.readPins()
	default:
		p.host.Render()
	}
}

// PinsEvery is how often the self-test page reads the cabinet's inputs again.
const PinsEvery = time.Second

// maintTick keeps the live parts of a page live: the GPIO levels on the self-test page.
func (p *Pages) maintTick() {
	if p.mt.page == pageSelfTest && p.host.Now().Sub(p.mt.pinsAt) >= PinsEvery {
		p.readPins()
	}
}

// maintJob runs work off the UI thread (it waits on hardware, the disk or the network) and
// applies what it returns on the UI thread, if the technician is still on the page that
// asked. While it runs, the page says waitKey's text and other actions wait.
func (p *Pages) maintJob(waitKey string, work func(ctx context.Context) (apply func())) {
	if p.mt.job != nil {
		return
	}
	job, page := new(byte), p.mt.page
	p.mt.job, p.mt.waitKey, p.mt.note = job, waitKey, maintNote{}
	p.host.Render()
	p.inflight.Add(1)
	go func() {
		defer p.inflight.Add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), maintJobTimeout)
		defer cancel()
		apply := work(ctx)
		p.host.Do(func() {
			if p.mode != modeMenu || p.mt.job != job {
				return // maintenance was left meanwhile
			}
			p.mt.job, p.mt.waitKey = nil, ""
			if p.mt.page == page {
				apply()
			}
			p.host.Render()
		})
	}()
}

// say sets the line under the page's title.
func (p *Pages) say(imp widget.Importance, key string, kv ...any) {
	p.mt.note = maintNote{key: key, kv: kv, imp: imp}
}

func (p *Pages) maintNoteLine() fyne.CanvasObject {
	switch {
	case p.mt.job != nil:
		return p.Para(p.T(p.mt.waitKey), widget.WarningImportance)
	case p.mt.note.key != "":
		return p.Para(p.noteText(), p.mt.note.imp)
	}
	return nil
}

// noteText is the note in the language on show.
func (p *Pages) noteText() string {
	kv := make([]any, len(p.mt.note.kv))
	for i, v := range p.mt.note.kv {
		if w, ok := v.(words); ok {
			v = p.T(w.key, w.kv...)
		}
		kv[i] = v
	}
	return p.T(p.mt.note.key, kv...)
}

// noteSlot is the line under the title in a slot of fixed room (kit.Message), for the pages
// with a keyboard.
func (p *Pages) noteSlot() fyne.CanvasObject {
	switch {
	case p.mt.job != nil:
		return p.Message(p.T(p.mt.waitKey), widget.WarningImportance)
	case p.mt.note.key != "":
		return p.Message(p.noteText(), p.mt.note.imp)
	}
	return p.Message("", widget.LowImportance)
}

// vary passes a value that differs from run to run (a time read from a device or the hall,
// a measured round trip, a temporary path) through the App's varies formatter, which the
// golden-image tests set to a placeholder; in the kiosk it is nil and values show as they are.
func (p *Pages) vary(s string) string {
	if p.varies == nil {
		return s
	}
	return p.varies(s)
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
func (p *Pages) infoRow(t tone, label, value string) fyne.CanvasObject {
	dot := canvas.NewCircle(t.color())
	l := canvas.NewText(label+p.T("maint.sep"), kt.Muted)
	l.TextSize = p.Theme().Size("text")
	v := canvas.NewText(clip(value, 80), kt.Ink)
	v.TextSize = p.Theme().Size("text")
	if t == toneWarn || t == toneBad {
		v.Color = t.color()
	}
	return container.NewHBox(container.NewGridWrap(fyne.NewSize(24, 32), container.NewCenter(sized(dot, 18))), l, v)
}

// smallText is technical detail: counters, error strings, log lines.
func (p *Pages) smallText(s string, mono bool) *canvas.Text {
	t := canvas.NewText(clip(s, 112), kt.Muted)
	t.TextSize = p.Theme().Size(fynetheme.SizeNameCaptionText)
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

// stamp formats a time read from outside the screens' own clock (a device, the hall, a file).
func (p *Pages) stamp(t time.Time) string {
	if t.IsZero() {
		return p.T("maint.never")
	}
	return p.vary(t.In(p.host.Now().Location()).Format("2006-01-02 15:04:05"))
}
