package screens

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
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

// takenTicket is the ticket on the ticket screen: what it says, kept untranslated so that it
// reads in the language switched to while it stands.
type takenTicket struct {
	business string // queue.Businesses
	queue.Ticket
	since time.Time // when it was shown: a visit without a card ends ticketFor later
}

// ticketFor is how long the ticket screen stands when no card session would end the visit:
// long enough to read the number twice and take the paper, gone before the next person.
const ticketFor = 60 * time.Second

// ticketDigits is the number's type size in pixels whatever the text size. "C123" is drawn
// 122 px high (measured on the ticket screen at 1280×800): 4.4 cm on a 21.5-inch 1280×800
// panel (0.36 mm a pixel), 3 cm on a 21.5-inch full-HD one (0.25 mm), large to read from
// 2 m. The panel's size is assumed: the docs do not name it.
const ticketDigits = 160

// takeTicket asks the hall for a number off the UI thread, then shows the ticket screen.
func (a *App) takeTicket(business string) {
	lang := a.Lang()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		t, err := a.svc.Queue.Take(ctx, business, lang)
		a.do(func() {
			if err != nil {
				a.setBanner(widget.DangerImportance, counter.MessageKey(err))
				a.render()
				return
			}
			a.ticket = &takenTicket{business: business, Ticket: t, since: a.now()}
			// The service menu says it for the rest of the session, or of the session whose
			// card is placed while this ticket stands (a number taken at the idle screen,
			// then the card); 好的 without a card, or the ticket's time, forgets it (wipe).
			a.queueNumber = t.Number
			a.show(ScreenTicket)
		})
	}()
}

// ticketScreen is the queue number, large enough to read from a step away, with its
// business, how many wait before it and whether it printed; it stays until the taxpayer
// taps 好的 or the visit ends. A ticket that did not print says so: the number must be
// remembered.
func (a *App) ticketScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	tk := a.ticket
	if tk == nil { // nothing to show (the visit ended under it): back to the start
		return a.idle()
	}
	number := canvas.NewText(tk.Number, kt.Brand)
	number.TextSize = ticketDigits
	number.TextStyle = fyne.TextStyle{Bold: true}
	number.Alignment = fyne.TextAlignCenter
	printed := a.Para(a.T("queue.ticket.printed"), widget.SuccessImportance)
	more := container.NewVBox()
	if tk.PrintKey != "" { // in sight: remember the number; below, why it did not print
		printed = a.Para(a.T("queue.ticket.print_failed"), widget.DangerImportance)
		more.Add(a.Para(a.T("queue.ticket.print_reason", "reason", a.T(tk.PrintKey)), widget.DangerImportance))
	}
	// The number is the headline: the line naming it is a title, so that the number and
	// the print failure fit a 720-line output in large text.
	head := container.NewVBox(a.Title(a.T("queue.ticket.title")+" · "+a.T("queue."+tk.business)), container.NewCenter(number), printed)
	// The number and whether it printed stay in sight (a number not printed must be
	// remembered); in large text on a short screen the line under them scrolls. The one way
	// on is in the bottom bar, where every page keeps it.
	more.Add(a.Para(a.T("queue.ticket.waiting", "waiting", tk.Waiting), widget.MediumImportance))
	return kit.Scrolled(head, more, nil), []fyne.CanvasObject{a.NavButton("queue.ticket.ok", a.ticketTaken)}
}

// ticketTaken leaves the ticket screen for the start: the service menu while the card lies
// on the reader (which keeps saying the number), the idle screen otherwise.
func (a *App) ticketTaken() {
	a.ticket = nil
	a.goHome()
}
