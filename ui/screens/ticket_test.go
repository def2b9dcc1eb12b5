package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/kiosk/session"
)

// unprintedQueue issues numbers whose tickets the printer could not print.
type unprintedQueue struct{ n int }

func (q *unprintedQueue) Take(context.Context, string, i18n.Lang) (queue.Ticket, error) {
	q.n++
	return queue.Ticket{Number: "B00" + string(rune('0'+q.n)), Waiting: 3, PrintKey: "printer.paper_out"}, nil
}

// bigText is the size of the text exactly s on the page, 0 when there is none.
func bigText(o fyne.CanvasObject, s string) float32 {
	switch o := o.(type) {
	case *canvas.Text:
		if o.Text == s {
			return o.TextSize
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if size := bigText(c, s); size > 0 {
				return size
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if size := bigText(c, s); size > 0 {
				return size
			}
		}
	}
	return 0
}

// TestTicketStaysUntilTaken (issue 12): a queue number taken without a card is shown on a
// screen of its own, in type several times a heading's size, with its business and how
// many wait before it; it stays through the idle screen's ticks and a language switch
// until 好的 is tapped, or its own time runs out when no card session would end the visit.
func TestTicketStaysUntilTaken(t *testing.T) {
	now := fixedNow
	app, d, settle := newSettledApp(t, &now, nil)
	_ = test.NewTempWindow(t, app.Content())
	d.person = nil
	app.show(ScreenIdle)
	test.Tap(app.Button("queue.button"))
	test.Tap(app.Button("queue.invoice"))
	settle()
	if app.Screen() != ScreenTicket {
		t.Fatalf("after taking a number the screen is %s", app.Screen())
	}
	if size := bigText(app.Content(), "B001"); size < 3*app.Theme().Size("headingText") {
		t.Fatalf("the number is drawn at %.0f px, a heading at %.0f", size, app.Theme().Size("headingText"))
	}
	for _, want := range []string{app.T("queue.invoice"), app.T("queue.ticket.waiting", "waiting", 0), app.T("queue.ticket.printed")} {
		if !strings.Contains(markup(app), want) {
			t.Fatalf("the ticket screen does not say %q:\n%s", want, markup(app))
		}
	}
	for range 59 { // a minute of the idle screen's ticks
		now = now.Add(time.Second)
		app.Tick()
	}
	switchLang(t, app)
	if app.Screen() != ScreenTicket || !strings.Contains(markup(app), app.T("queue.ticket.title")) {
		t.Fatalf("the ticket left before its time, or kept its language: %s\n%s", app.Screen(), markup(app))
	}
	now = now.Add(time.Second)
	app.Tick()
	if app.Screen() != ScreenIdle {
		t.Fatalf("a ticket taken without a card stands after its time: %s", app.Screen())
	}

	switchLang(t, app)
	test.Tap(app.Button("queue.button"))
	test.Tap(app.Button("queue.filing"))
	settle()
	test.Tap(app.Button("queue.ticket.ok"))
	if app.Screen() != ScreenIdle {
		t.Fatalf("好的 leads to %s", app.Screen())
	}
}

// TestTicketNotPrintedInASession (issue 12): in a card session a number whose ticket did
// not print says so with the printer's words (the number must be remembered); the ticket
// stands past its own time while the session lasts, 好的 leads to the service menu, which
// says the number until the session ends.
func TestTicketNotPrintedInASession(t *testing.T) {
	now := fixedNow
	app, _, settle := newSettledApp(t, &now, func(_ *fakeDesk, svc *Services) { svc.Queue = &unprintedQueue{} })
	_ = test.NewTempWindow(t, app.Content())
	app.HandleEvent(desk.SessionStarted{Person: app.person})
	test.Tap(app.Button("queue.button"))
	test.Tap(app.Button("queue.registration"))
	settle()
	failed, why := app.T("queue.ticket.print_failed"), app.T("queue.ticket.print_reason", "reason", app.T("printer.paper_out"))
	if app.Screen() != ScreenTicket || !strings.Contains(markup(app), failed) || !strings.Contains(markup(app), why) || bigText(app.Content(), "B001") == 0 {
		t.Fatalf("screen %s, want the number, %q and %q:\n%s", app.Screen(), failed, why, markup(app))
	}
	now = now.Add(10 * time.Minute)
	app.Tick()
	if app.Screen() != ScreenTicket {
		t.Fatalf("the ticket left in a session that goes on: %s", app.Screen())
	}
	test.Tap(app.Button("queue.ticket.ok"))
	said := app.T("welcome.queue_number", "number", "B001")
	if app.Screen() != ScreenWelcome || !strings.Contains(markup(app), said) {
		t.Fatalf("screen %s, want the service menu saying %q:\n%s", app.Screen(), said, markup(app))
	}
	app.show(ScreenCert)
	app.goHome()
	if !strings.Contains(markup(app), said) {
		t.Fatalf("the service menu forgot the number:\n%s", markup(app))
	}

	test.Tap(app.Button("queue.button"))
	test.Tap(app.Button("queue.filing"))
	settle()
	app.HandleEvent(desk.SessionEnded{Reason: session.Idle}) // the visit ends under the ticket
	if app.Screen() != ScreenIdle || app.ticket != nil || app.queueNumber != "" {
		t.Fatalf("after the session: screen %s, ticket %v, number %q", app.Screen(), app.ticket, app.queueNumber)
	}
	app.HandleEvent(desk.SessionStarted{Person: app.person})
	if strings.Contains(markup(app), app.T("welcome.queue_number", "number", "B002")) {
		t.Fatalf("the next session says the last one's number:\n%s", markup(app))
	}
}
