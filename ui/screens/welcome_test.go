package screens

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestLargerTextOfferedToSeniors shows the welcome screen to a taxpayer the card says is
// 65 or older, and to one younger: only the first is offered large text, in one tap, and
// the offer goes once it is taken. The mode ends with the visit.
func TestLargerTextOfferedToSeniors(t *testing.T) {
	app, d := newFakeApp(t)
	test.NewTempWindow(t, app.Content()).Resize(outputs[1])
	p, _ := d.Person()
	app.person = p
	app.show(ScreenWelcome)
	if app.Button("welcome.large_text") != nil {
		t.Fatal("large text offered to a taxpayer under 65")
	}
	app.person.Senior = true
	app.show(ScreenWelcome)
	b := app.Button("welcome.large_text")
	if b == nil || !b.Visible() {
		t.Fatal("no large-text offer for a taxpayer of 65")
	}
	test.Tap(b)
	if !app.Theme().LargeText() {
		t.Fatal("the offer did not turn large text on")
	}
	if app.Button("welcome.large_text") != nil {
		t.Error("the offer stays once taken")
	}
	app.finish()
	if app.Theme().LargeText() {
		t.Error("large text outlives the visit")
	}
}
