package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"taxkiosk/kiosk/desk"
)

// CancelHelp withdraws the fake desk's call at once; the desk's HelpCancelled event is the
// test's to send.
func (d *fakeDesk) CancelHelp(context.Context) (string, error) { return "1", nil }

// TestHelpCallCancelOffered (issue 12): while the kiosk's call for the seat is open, the
// top bar offers 取消呼叫 instead of a second call, on every screen; once the seat took
// it, or it was cancelled, the call button is back, and a cancel is said with its number.
func TestHelpCallCancelOffered(t *testing.T) {
	app, _ := newFakeApp(t)
	_ = test.NewTempWindow(t, app.Content())
	app.show(ScreenWelcome)
	app.HandleEvent(desk.HelpCalled{Number: "00000007"})
	for _, s := range []Screen{ScreenWelcome, ScreenQueue, ScreenScanHelp} {
		app.show(s)
		if app.Button("help.cancel") == nil || app.Button("help.call") != nil {
			t.Fatalf("%s with a call open: cancel %v, call %v", s, app.Button("help.cancel"), app.Button("help.call"))
		}
	}
	app.HandleEvent(desk.HelpAccepted{Number: "00000007"})
	if app.Button("help.cancel") != nil || app.Button("help.call") == nil {
		t.Fatal("a call the seat took is still offered for cancelling")
	}
	app.HandleEvent(desk.HelpCalled{Number: "00000008"})
	app.HandleEvent(desk.HelpCancelled{Number: "00000008"})
	if app.Button("help.call") == nil || !strings.Contains(markup(app), app.T("help.cancelled", "number", "00000008")) {
		t.Fatalf("after the cancel:\n%s", markup(app))
	}
	app.HandleEvent(desk.HelpCalled{Number: "00000009"})
	app.HandleEvent(desk.HelpEnded{Number: "00000009"})
	if app.Button("help.call") == nil {
		t.Fatal("a call the seat resolved is still offered for cancelling")
	}
	// The session that made the call ended and the desk withdrew it: the next taxpayer is
	// offered a call of their own and told nothing of the last one's.
	app.HandleEvent(desk.HelpCalled{Number: "00000010"})
	app.show(ScreenIdle)
	app.HandleEvent(desk.HelpCancelled{Number: "00000010", Withdrawn: true})
	if app.Button("help.call") == nil || strings.Contains(markup(app), "00000010") {
		t.Fatalf("after the session's call was withdrawn:\n%s", markup(app))
	}
}
