package main

import (
	"log/slog"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/duty"
	"taxkiosk/kiosk/hall/pgbus"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staffweb"
)

// openBus is the staff pages' bus: on the hall's PostgreSQL when it has one, so that every
// hall process on it refreshes its pages at once (LISTEN/NOTIFY); in process otherwise.
func openBus(dsn, schema string, log *slog.Logger) (staff.Bus, error) {
	if dsn == "" {
		return staff.NewMemBus(), nil
	}
	b, err := pgbus.Open(dsn, schema, log)
	if err != nil {
		return nil, err
	}
	// Serve once the other halls can be heard: a note published before would be lost to
	// them. A database that does not answer in time leaves the pages local until it does.
	select {
	case <-b.Ready():
	case <-time.After(busWait):
		log.Warn("staff bus not listening yet; other hall processes' changes show on reload until it does")
	}
	return b, nil
}

// busWait bounds how long serve waits for the bus to listen.
const busWait = 10 * time.Second

// registerDuty adds the duty leader's pages, when the store keeps the duty side (both of
// the hall's stores do).
func registerDuty(app *staffweb.App, store hall.Store, h *hall.Server) {
	src, ok := store.(duty.Source)
	if !ok {
		return
	}
	(&duty.Pages{Src: src, Rules: h.FleetRules()}).Register(app)
}
