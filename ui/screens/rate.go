package screens

import (
	"context"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	ratings "taxkiosk/kiosk/services/rating"
	"taxkiosk/kiosk/txn"
)

// rateTimeout returns an unattended rating screen to the idle screen.
const rateTimeout = 30 * time.Second

// rating is what the taxpayer chose on the rating screen.
type rating struct {
	level   int      // 1..5, 0 while unchosen
	reasons []string // quick reason keys
	service txn.Kind // the service the visit ended with; never which transaction
	since   time.Time
}

// rateScreen asks for a rating of the visit: five levels and optional quick reasons. It comes
// after the session ended, so it holds nothing personal.
func (a *App) rateScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	levels := container.NewGridWithColumns(5)
	for l := 5; l >= 1; l-- {
		key := "rate.level." + strconv.Itoa(l)
		imp := widget.MediumImportance
		if a.rating.level == l {
			imp = widget.HighImportance
		}
		levels.Add(touchSized(a.button(key, imp, func() { a.rating.level = l; a.render() }), 160))
	}
	reasons := container.NewGridWithColumns(3)
	for _, r := range ratings.Reasons() {
		key := "rate.reason." + r
		imp := widget.MediumImportance
		if slices.Contains(a.rating.reasons, r) {
			imp = widget.HighImportance
		}
		reasons.Add(touchSized(a.button(key, imp, func() {
			if i := slices.Index(a.rating.reasons, r); i >= 0 {
				a.rating.reasons = slices.Delete(a.rating.reasons, i, i+1)
			} else {
				a.rating.reasons = append(a.rating.reasons, r)
			}
			a.render()
		}), 220))
	}
	submit := a.button("rate.submit", widget.HighImportance, a.sendRating)
	if a.rating.level == 0 {
		submit.Disable()
	}
	body := centred(
		a.heading(a.T("rate.title")),
		levels,
		a.para(a.T("rate.reasons"), widget.MediumImportance),
		reasons,
		container.NewCenter(touchSized(submit, 320)),
		a.para(a.T("rate.hint"), widget.LowImportance),
	)
	return body, []fyne.CanvasObject{a.navButton("rate.skip", func() { a.finishVisit("idle.ended.finished") })}
}

// sendRating records the rating off the UI thread; whatever happens, the visit ends
// politely: a rating that could not be stored is not the taxpayer's problem.
func (a *App) sendRating() {
	r := a.rating
	a.finishVisit("rate.thanks")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.svc.Rating.Rate(ctx, r.level, r.reasons, r.service) // the desk logs a failure
	}()
}

// finishVisit returns to the idle screen with a closing line.
func (a *App) finishVisit(noticeKey string) {
	a.rating = rating{}
	a.wipe()
	a.endVisit(noticeKey)
}
