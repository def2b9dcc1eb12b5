package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
)

// paperOutCertificate prints no certificate: the roll ran out (the printer's words).
type paperOutCertificate struct{ fakeCertificate }

func (paperOutCertificate) Print(context.Context, string, string, i18n.Lang) (string, error) {
	return "printer.paper_out", nil
}

// newBannerApp is the App on a fake desk with the certificate printer out of paper and the
// offline policy refusing every return over a limit.
func newBannerApp(t *testing.T) (app *App, d *fakeDesk, settle func()) {
	t.Helper()
	now := fixedNow
	return newSettledApp(t, &now, func(d *fakeDesk, svc *Services) {
		svc.Certificate = paperOutCertificate{fakeCertificate{d}}
		svc.Filing = overLimitFiling{fakeFiling{d}}
	})
}

// newSettledApp is the App on a fake desk whose services tune may replace, on the clock
// *now. Work done off the UI thread comes back when the test calls settle, on the test's
// goroutine.
func newSettledApp(t *testing.T, now *time.Time, tune func(*fakeDesk, *Services)) (app *App, d *fakeDesk, settle func()) {
	t.Helper()
	app, d = newFakeApp(t)
	if tune != nil {
		tune(d, &app.svc)
	}
	done := make(chan func(), 4)
	app.now, app.do = func() time.Time { return *now }, func(f func()) { done <- f }
	return app, d, func() { (<-done)() }
}

// overLimitFiling refuses every return as over the offline limit, as the desk does.
type overLimitFiling struct{ fakeFiling }

func (overLimitFiling) Admits(vatreturn.Return) error {
	return &counter.RefusedError{ReasonKey: policy.ReasonAmountOver, Args: []any{"limit", "50000.00"}}
}

// markup is every label's whole text on the page, one a line: a wrapped label's lines
// are one text here, as the taxpayer reads it.
func markup(a *App) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(a.Content())
	return b.String()
}

// switchLang taps the top bar's language switch.
func switchLang(t *testing.T, a *App) {
	t.Helper()
	b := a.Button("common.lang_switch")
	if b == nil {
		t.Fatalf("screen %s has no language switch", a.Screen())
	}
	test.Tap(b)
}

// TestBannerFollowsTheLanguage (issue 12): a line set by an event (the help call, its
// acceptance, a failed call, a certificate's print) is drawn in the language on show, also
// after a switch, not in the one it was set in; its values that are words (the printer's
// reason) switch with it.
func TestBannerFollowsTheLanguage(t *testing.T) {
	app, _, settle := newBannerApp(t)
	_ = test.NewTempWindow(t, app.Content())
	app.show(ScreenWelcome)
	cases := []struct {
		name   string
		set    func()
		zh, en string
	}{
		{"help called", func() { app.HandleEvent(desk.HelpCalled{Number: "00000007"}) },
			app.Cat().T(i18n.ZH, "help.called", "number", "00000007"), app.Cat().T(i18n.EN, "help.called", "number", "00000007")},
		{"help accepted", func() { app.HandleEvent(desk.HelpAccepted{Number: "00000007"}) },
			app.Cat().T(i18n.ZH, "help.accepted"), app.Cat().T(i18n.EN, "help.accepted")},
		{"certificate not printed", func() {
			app.show(ScreenCert)
			test.Tap(app.Button("cert.print." + app.svc.Certificate.List()[0].Certificate.ID))
			settle()
		}, app.Cat().T(i18n.ZH, "cert.print_failed", "reason", app.Cat().T(i18n.ZH, "printer.paper_out")),
			app.Cat().T(i18n.EN, "cert.print_failed", "reason", app.Cat().T(i18n.EN, "printer.paper_out"))},
	}
	refusal := func(l i18n.Lang) string { return app.Cat().T(l, policy.ReasonAmountOver, "limit", "50000.00") }
	cases = append(cases, struct {
		name   string
		set    func()
		zh, en string
	}{"offline limit on the VAT form", func() {
		app.vat.start()
		test.Tap(app.Button("filer.self"))
		test.Tap(app.Button("vat.next"))
	}, refusal(i18n.ZH), refusal(i18n.EN)})
	for _, c := range cases {
		if app.Lang() != i18n.ZH {
			switchLang(t, app)
		}
		c.set()
		if !strings.Contains(markup(app), c.zh) {
			t.Fatalf("%s: no %q:\n%s", c.name, c.zh, markup(app))
		}
		switchLang(t, app)
		if got := markup(app); !strings.Contains(got, c.en) || strings.Contains(got, c.zh) {
			t.Fatalf("%s after switching to English: want %q:\n%s", c.name, c.en, got)
		}
	}
}

// TestCertificateFailureIsAFailure (issue 12): a certificate the printer did not print is
// told in the danger colour, never the success green a printed one gets.
func TestCertificateFailureIsAFailure(t *testing.T) {
	app, _, settle := newBannerApp(t)
	_ = test.NewTempWindow(t, app.Content())
	app.show(ScreenCert)
	test.Tap(app.Button("cert.print." + app.svc.Certificate.List()[0].Certificate.ID))
	settle()
	if app.banner.key != "cert.print_failed" || app.bannerTone != widget.DangerImportance {
		t.Fatalf("a certificate not printed is shown as %q in tone %v", app.banner.key, app.bannerTone)
	}
	if !strings.Contains(markup(app), app.T("printer.paper_out")) {
		t.Fatalf("the printer's reason is not said:\n%s", markup(app))
	}
}
