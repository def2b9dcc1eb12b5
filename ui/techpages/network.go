package techpages

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/ui/kit"
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
func (p *Pages) checkNetwork() {
	p.maintJob("maint.network.wait", func(ctx context.Context) func() {
		r := p.tech.CheckNetwork(ctx)
		return func() { p.mt.net = &r }
	})
}

// networkPage is the hall as the kiosk sees it: reachable or why not, the round trip, TLS
// and both certificates' expiry, and the clock's skew against the hall's.
func (p *Pages) networkPage() fyne.CanvasObject {
	check := p.NewButton("maint.network.check", widget.MediumImportance, p.checkNetwork)
	if p.mt.job != nil {
		check.Disable()
	}
	r := p.mt.net
	if r == nil {
		return kit.Centred(kit.Actions(kit.TouchSized(check, 280)))
	}
	rows := container.NewVBox(p.infoRow(toneNone, p.T("maint.network.hall"), p.vary(r.HallURL)))
	if r.Reachable {
		rows.Add(p.infoRow(toneOK, p.T("maint.network.reachable"), p.T("maint.network.yes")))
		rows.Add(p.infoRow(toneNone, p.T("maint.network.round_trip"), p.vary(fmt.Sprintf("%d ms", time.Duration(r.RoundTrip).Milliseconds()))))
	} else {
		why := p.T("maint.network.no")
		if r.ErrorKey != "" {
			why = p.T(r.ErrorKey)
		}
		rows.Add(p.infoRow(toneBad, p.T("maint.network.reachable"), why))
		if r.Error != "" {
			rows.Add(container.NewPadded(p.smallText(p.vary(r.Error), true)))
		}
	}
	if r.TLS {
		rows.Add(p.infoRow(toneOK, p.T("maint.network.tls"), p.T("maint.network.tls_on")))
	} else {
		rows.Add(p.infoRow(toneNone, p.T("maint.network.tls"), p.T("maint.network.tls_off")))
	}
	rows.Add(p.certRow("maint.network.hall_cert", r.HallCertExpires))
	rows.Add(p.certRow("maint.network.kiosk_cert", r.KioskCertExpires))
	if r.SkewKnown {
		skew := time.Duration(r.ClockSkew)
		rows.Add(p.infoRow(skewTone(skew), p.T("maint.network.skew"), p.vary(p.T("maint.network.skew_value", "skew", skew.Round(time.Second).String()))))
	} else {
		rows.Add(p.infoRow(toneNone, p.T("maint.network.skew"), p.T("maint.network.unknown")))
	}
	rows.Add(p.infoRow(toneNone, p.T("maint.network.checked_at"), p.stamp(r.CheckedAt)))
	return kit.Centred(container.NewCenter(rows), kit.Actions(kit.TouchSized(check, 280)))
}

// certRow is a certificate's expiry with the days left, or a dash without TLS.
func (p *Pages) certRow(key string, expires time.Time) fyne.CanvasObject {
	if expires.IsZero() {
		return p.infoRow(toneNone, p.T(key), p.T("maint.network.no_cert"))
	}
	now := p.host.Now()
	days := int(expires.Sub(now) / (24 * time.Hour))
	left := p.T("maint.network.days_left", "days", days)
	if !expires.After(now) {
		left = p.T("maint.network.expired", "days", -days)
	}
	return p.infoRow(certTone(expires, now), p.T(key), p.vary(expires.In(now.Location()).Format("2006-01-02"))+" · "+p.vary(left))
}
