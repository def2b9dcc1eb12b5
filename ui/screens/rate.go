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
	"taxkiosk/ui/kit"
)

// rateTimeout returns an unattended rating screen to the idle screen.
const rateTimeout = 30 * time.Second

// rateFlow is the rating screen over the taxpayer's choices; anonymous.
type rateFlow struct {
	a *App
	rating
}

// rating is what the taxpayer chose on the rating screen.
type rating struct {
	level   int      // 1..5, 0 while unchosen
	reasons []string // quick reason keys
	service txn.Kind // the service the visit ended with; never which transaction
	since   time.Time
}

// screen asks for a rating of the visit: five levels and optional quick reasons. It comes
// after the session ended, so it holds nothing personal.
func (v *rateFlow) screen() (fyne.CanvasObject, []fyne.CanvasObject) {
	a := v.a
	levels := container.NewGridWithColumns(5)
	if a.Theme().LargeText() {
		// Five to a row, "Dissatisfied" in large text is broken inside the word.
		levels = container.NewGridWithColumns(3)
	}
	for l := 5; l >= 1; l-- {
		key := "rate.level." + strconv.Itoa(l)
		imp := widget.MediumImportance
		if v.level == l {
			imp = widget.HighImportance
		}
		// Wrapping in the button: "Very satisfied" five times in a row, in large text, is
		// wider than the screen.
		levels.Add(kit.TouchSizedW(a.Draw(a.WrapButton(key, imp, func() { v.level = l; a.render() }), a.T(key), nil), 160))
	}
	reasons := container.NewGridWithColumns(3)
	for _, r := range ratings.Reasons() {
		key := "rate.reason." + r
		imp := widget.MediumImportance
		if slices.Contains(v.reasons, r) {
			imp = widget.HighImportance
		}
		reasons.Add(kit.TouchSizedW(a.Draw(a.WrapButton(key, imp, func() {
			if i := slices.Index(v.reasons, r); i >= 0 {
				v.reasons = slices.Delete(v.reasons, i, i+1)
			} else {
				v.reasons = append(v.reasons, r)
			}
			a.render()
		}), a.T(key), nil), 220))
	}
	submit := a.NewButton("rate.submit", widget.HighImportance, v.send)
	if v.level == 0 {
		submit.Disable()
	}
	// The reasons scroll on a short screen; Submit stays in sight.
	body := kit.Scrolled(
		a.Heading(a.T("rate.title")),
		container.NewVBox(levels, a.Para(a.T("rate.reasons"), widget.MediumImportance), reasons,
			a.Para(a.T("rate.hint"), widget.LowImportance)),
		container.NewCenter(kit.TouchSized(submit, 320)),
	)
	return body, []fyne.CanvasObject{a.NavButton("rate.skip", func() { a.finishVisit("idle.ended.finished") })}
}

// send records the rating off the UI thread; whatever happens, the visit ends
// politely: a rating that could not be stored is not the taxpayer's problem.
func (v *rateFlow) send() {
	a := v.a
	r := a.rate
	a.finishVisit("rate.thanks")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.svc.Rating.Rate(ctx, r.level, r.reasons, r.service) // the desk logs a failure
	}()
}

// finishVisit returns to the idle screen with a closing line.
func (a *App) finishVisit(noticeKey string) {
	a.rate.rating = rating{}
	a.wipe()
	a.endVisit(noticeKey)
}
