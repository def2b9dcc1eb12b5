package screens

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Thresholds of the network page: a certificate this close to expiry is renewed now, before
// the kiosk loses the hall on a Sunday; a clock this far off makes the hall's timestamps and
// the kiosk's disagree on receipts.
const (
	certWarnBefore = 30 * 24 * time.Hour
	skewWarnOver   = 30 * time.Second
)

// certTone is red once a certificate has expired and amber in its last 30 days.
func certTone(expires, now time.Time) tone {
	switch {
	case !expires.After(now):
		return toneBad
	case expires.Sub(now) < certWarnBefore:
		return toneWarn
	}
	return toneOK
}

// skewTone is amber when the kiosk's clock is more than 30 s off the hall's, either way.
func skewTone(skew time.Duration) tone {
	if skew > skewWarnOver || skew < -skewWarnOver {
		return toneWarn
	}
	return toneOK
}

// checkNetwork asks the hall off the UI thread; a check that cannot connect waits for its
// own timeout, well inside maintJobTimeout.
func (a *App) checkNetwork() {
	a.maintJob("maint.network.wait", func(ctx context.Context) func() {
		r := a.tech.CheckNetwork(ctx)
		return func() { a.mt.net = &r }
	})
}

// networkPage is the hall as the kiosk sees it: reachable or why not, the round trip, TLS
// and both certificates' expiry, and the clock's skew against the hall's.
func (a *App) networkPage() fyne.CanvasObject {
	check := a.button("maint.network.check", widget.MediumImportance, a.checkNetwork)
	if a.mt.job != nil {
		check.Disable()
	}
	r := a.mt.net
	if r == nil {
		return centred(actions(touchSized(check, 280)))
	}
	rows := container.NewVBox(a.infoRow(toneNone, a.T("maint.network.hall"), a.vary(r.HallURL)))
	if r.Reachable {
		rows.Add(a.infoRow(toneOK, a.T("maint.network.reachable"), a.T("maint.network.yes")))
		rows.Add(a.infoRow(toneNone, a.T("maint.network.round_trip"), a.vary(fmt.Sprintf("%d ms", time.Duration(r.RoundTrip).Milliseconds()))))
	} else {
		why := a.T("maint.network.no")
		if r.ErrorKey != "" {
			why = a.T(r.ErrorKey)
		}
		rows.Add(a.infoRow(toneBad, a.T("maint.network.reachable"), why))
		if r.Error != "" {
			rows.Add(container.NewPadded(a.smallText(a.vary(r.Error), true)))
		}
	}
	if r.TLS {
		rows.Add(a.infoRow(toneOK, a.T("maint.network.tls"), a.T("maint.network.tls_on")))
	} else {
		rows.Add(a.infoRow(toneNone, a.T("maint.network.tls"), a.T("maint.network.tls_off")))
	}
	rows.Add(a.certRow("maint.network.hall_cert", r.HallCertExpires))
	rows.Add(a.certRow("maint.network.kiosk_cert", r.KioskCertExpires))
	if r.SkewKnown {
		skew := time.Duration(r.ClockSkew)
		rows.Add(a.infoRow(skewTone(skew), a.T("maint.network.skew"), a.vary(a.T("maint.network.skew_value", "skew", skew.Round(time.Second).String()))))
	} else {
		rows.Add(a.infoRow(toneNone, a.T("maint.network.skew"), a.T("maint.network.unknown")))
	}
	rows.Add(a.infoRow(toneNone, a.T("maint.network.checked_at"), a.stamp(r.CheckedAt)))
	return centred(container.NewCenter(rows), actions(touchSized(check, 280)))
}

// certRow is a certificate's expiry with the days left, or a dash without TLS.
func (a *App) certRow(key string, expires time.Time) fyne.CanvasObject {
	if expires.IsZero() {
		return a.infoRow(toneNone, a.T(key), a.T("maint.network.no_cert"))
	}
	now := a.now()
	days := int(expires.Sub(now) / (24 * time.Hour))
	left := a.T("maint.network.days_left", "days", days)
	if !expires.After(now) {
		left = a.T("maint.network.expired", "days", -days)
	}
	return a.infoRow(certTone(expires, now), a.T(key), a.vary(expires.In(now.Location()).Format("2006-01-02"))+" · "+a.vary(left))
}
