package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/ui/kit"
)

// queueScreen offers a counter queue ticket by business type; no ID card is needed.
func (a *App) queueScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	grid := container.NewGridWithColumns(2)
	for _, b := range queue.Businesses() {
		grid.Add(a.Tile("queue."+b, "queue."+b+".desc", true, func() { a.takeTicket(b) }))
	}
	back := func() {
		if _, ok := a.desk.Person(); ok {
			a.show(ScreenWelcome)
		} else {
			a.show(ScreenIdle)
		}
	}
	return kit.Centred(a.Heading(a.T("queue.title")), grid), []fyne.CanvasObject{a.NavButton("common.back", back), a.NavButton("common.home", a.goHome)}
}

// takeTicket asks the hall for a number off the UI thread, then goes back where the
// taxpayer came from with the number on screen.
func (a *App) takeTicket(business string) {
	lang := a.Lang()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		t, err := a.svc.Queue.Take(ctx, business, lang)
		a.do(func() {
			if err != nil {
				a.banner = a.T(counter.MessageKey(err))
				a.render()
				return
			}
			msg := a.T("queue.taken", "number", t.Number, "waiting", t.Waiting)
			if t.PrintKey != "" {
				msg = a.T("queue.print_failed", "number", t.Number, "reason", a.T(t.PrintKey))
			}
			a.goHome()
			a.banner = msg
			a.render()
		})
	}()
}
