package screens

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// TestOneFinishWhenCardLifted shows the card-lifted question over each page that has a
// Finish or a countdown, and fails unless the screen holds exactly one 结束办理 button and
// one countdown: the issue saw two of each at once.
func TestOneFinishWhenCardLifted(t *testing.T) {
	app, d := newFakeApp(t)
	w := test.NewTempWindow(t, app.Content())
	w.Resize(outputs[1])
	p, _ := d.Person()
	pages := []struct {
		name string
		show func()
	}{
		{"welcome", func() { app.person = p; app.show(ScreenWelcome) }},
		{"result", func() {
			app.outcome = counter.Outcome{Kind: txn.KindVATReturn, Seq: 3, Delivered: true, Printed: true}
			app.show(ScreenResult)
		}},
		{"invoice_result", func() {
			app.outcome = counter.Outcome{Kind: txn.KindInvoiceCollection, Seq: 4, Printed: true}
			app.show(ScreenInvoiceResult)
		}},
		{"pay_result", func() {
			app.outcome = counter.Outcome{Kind: txn.KindTaxPayment, Seq: 5, Printed: true}
			app.show(ScreenPayResult)
		}},
		{"vat", func() { app.vat.draft = fakeFiling{d}.Draft(); app.show(ScreenVAT) }},
	}
	for _, l := range i18n.Langs {
		app.SetLang(l)
		countdown := countdownText(app)
		for _, pg := range pages {
			for _, lifted := range []bool{false, true} {
				app.liftBy = time.Time{}
				pg.show()
				if lifted {
					app.liftBy = fixedNow.Add(20 * time.Second)
					app.render()
				}
				finishes, countdowns := 0, 0
				for _, o := range shownObjects(app.Content()) {
					switch o := o.(type) {
					case *widget.Button:
						if o.Text == app.T("common.finish") {
							finishes++
						}
						if lifted && o.Text == app.T("vat.next") { // one way on: the question's
							t.Errorf("%s/%s: Next beside the card-lifted question", l, pg.name)
						}
					case *widget.Label:
						if countdown.MatchString(o.Text) {
							countdowns++
						}
					}
				}
				wantFinish := 1
				if !lifted && pg.name == "vat" {
					wantFinish = 0 // a form ends a visit only through the question
				}
				if finishes != wantFinish || countdowns != 1 {
					t.Errorf("%s/%s, card lifted %v: %d Finish buttons and %d countdowns, want %d and 1", l, pg.name, lifted, finishes, countdowns, wantFinish)
				}
			}
		}
	}
	app.liftBy = time.Time{}
}

// countdownText matches a countdown as the screens write it, the page's or the card-lifted
// question's, whatever the seconds.
func countdownText(a *App) *regexp.Regexp {
	var alts []string
	for _, key := range []string{"common.countdown", "lift.ask"} {
		parts := strings.Split(a.T(key, "s", 12345), "12345")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		alts = append(alts, strings.Join(parts, `\d+`))
	}
	return regexp.MustCompile(`^(` + strings.Join(alts, "|") + `)$`)
}
