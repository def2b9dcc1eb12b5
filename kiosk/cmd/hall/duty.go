package main

import (
	"log/slog"

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
	return pgbus.Open(dsn, schema, log)
}

// registerDuty adds the duty leader's pages, when the store keeps the duty side (both of
// the hall's stores do).
func registerDuty(app *staffweb.App, store hall.Store, h *hall.Server) {
	src, ok := store.(duty.Source)
	if !ok {
		return
	}
	(&duty.Pages{Src: src, Rules: h.FleetRules()}).Register(app)
}
