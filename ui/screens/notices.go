package screens

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
)

// Announcements is where the idle screen finds the hall's notices: the kiosk's copy of what
// the duty leader wrote (package notices), current by the kiosk's clock, there offline too.
type Announcements interface {
	Current(now time.Time) (ns []hallapi.Notice, received time.Time, err error)
}

// noticeEvery is how long each notice stays before the next: long enough to read a few
// lines standing.
const noticeEvery = 12 * time.Second

// annState is the rotation of the hall's notices on the idle screen.
type annState struct {
	src   Announcements
	index int       // of the notice on show, among the current ones
	since time.Time // when it came on show
	shown int       // how many notices were current when the idle screen was last built
}

// SetAnnouncements gives the idle screen the hall's notices to rotate; nil shows none.
func (a *App) SetAnnouncements(src Announcements) {
	a.ann = annState{src: src}
	if a.screen == ScreenIdle {
		a.render()
	}
}

// current is the notices to show now; none when there is no source or it cannot be read
// (the idle screen is the same without them).
func (a *App) currentNotices() []hallapi.Notice {
	if a.ann.src == nil {
		return nil
	}
	ns, _, err := a.ann.src.Current(a.now())
	if err != nil {
		return nil
	}
	return ns
}

// noticePanel is the notice on show, for the idle screen only: a taxpayer's screens never
// build it, so a notice never covers one.
func (a *App) noticePanel() []fyne.CanvasObject {
	ns := a.currentNotices()
	a.ann.shown = len(ns)
	if len(ns) == 0 {
		return nil
	}
	n := ns[a.ann.index%len(ns)]
	title, text := n.Title.ZH, n.Text.ZH
	if a.Lang() == i18n.EN && n.Title.EN != "" {
		title, text = n.Title.EN, n.Text.EN
	}
	// One wrapped paragraph, the title bold and coloured: the idle screen has room for a
	// line or two below the queue button, not for a panel of its own.
	head := &widget.TextSegment{Text: a.T("idle.notice.heading", "i", a.ann.index%len(ns)+1, "n", len(ns)) + " · " + title + "  ",
		Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Bold: true}}}
	body := &widget.TextSegment{Text: text, Style: widget.RichTextStyle{Inline: true}}
	rt := widget.NewRichText(head, body)
	rt.Wrapping = fyne.TextWrapWord
	return []fyne.CanvasObject{rt}
}

// annTick moves to the next notice every noticeEvery while the idle screen shows; on any
// other screen the rotation waits.
func (a *App) annTick() {
	if a.ann.src == nil || a.screen != ScreenIdle || a.absent {
		return
	}
	now := a.now()
	if a.ann.since.IsZero() {
		a.ann.since = now
		return
	}
	if now.Sub(a.ann.since) < noticeEvery {
		return
	}
	a.ann.since = now
	if n := len(a.currentNotices()); n < 2 && n == a.ann.shown {
		return // nothing to rotate to and nothing came or went: no redraw
	}
	a.ann.index++
	a.render()
}
