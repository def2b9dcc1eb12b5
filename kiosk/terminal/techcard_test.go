package terminal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/maint"
)

// TestTechnicianCardOpensMaintenance: at the PIN pad, a technician's ID card on the allow
// list opens maintenance without a PIN; any other card is refused once per placing, counted
// towards the lockout, and starts no taxpayer session.
func TestTechnicianCardOpensMaintenance(t *testing.T) {
	t.Parallel()
	hash, err := maint.HashCard("410403196804153016") // the resident-male persona
	if err != nil {
		t.Fatal(err)
	}
	k := newKioskConfigured(t, nil, func(c *config.Config) { c.TechnicianCards = []string{hash} })
	d := k.term.Desk()

	d.AwaitTechnician(true)
	k.demo.PlaceCard("resident-female")
	refused := waitEvent[desk.TechnicianRefused](k)
	if !errors.Is(refused.Err, desk.ErrUnknownCard) {
		t.Fatalf("a card not on the list: %v", refused.Err)
	}
	time.Sleep(1500 * time.Millisecond) // the card stays on the reader: polled several times
	k.waitFor("the refusal recorded for the hall", func() bool { return k.auditActions()["failed_card"] == 1 })
	if n := k.auditActions()["failed_card"]; n != 1 {
		t.Fatalf("one placing counted %d times", n)
	}
	if _, ok := d.Person(); ok || d.InMaintenance() {
		t.Fatal("a refused card opened a session or maintenance")
	}
	k.demo.LiftCard()

	k.demo.PlaceCard("resident-male")
	if on := waitEvent[desk.MaintenanceChanged](k); !on.On || !d.InMaintenance() {
		t.Fatalf("the technician's card: %+v", on)
	}
	if _, ok := d.Person(); ok {
		t.Fatal("the technician's card started a taxpayer session")
	}
	k.waitFor("the entry recorded for the hall", func() bool { return k.auditActions()["enter"] == 1 })
	d.ExitMaintenance(context.Background())
	time.Sleep(time.Second) // the card still lies there: it is not a taxpayer's
	if _, ok := d.Person(); ok {
		t.Fatal("the technician's card, left on the reader, started a taxpayer session")
	}
	k.demo.LiftCard()

	// With the PIN pad closed, the same card is a taxpayer's card like any other.
	d.AwaitTechnician(false)
	k.drain()
	k.identify("resident-male")
}

// waitEvent returns the next desk event of type T.
func waitEvent[T desk.Event](k *kiosk) T {
	k.t.Helper()
	for {
		if e, ok := k.event(15 * time.Second).(T); ok {
			return e
		}
	}
}
