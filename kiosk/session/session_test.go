package session

import (
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/clock/clocktest"
)

func TestIdleAndWipe(t *testing.T) {
	t.Parallel()
	clock := clocktest.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	m := New(60*time.Second, clock.Now)
	photo := []byte{1, 2, 3, 4}
	card := &idcard.Card{Name: "张伟", IDNumber: "41040219800101123X", Photo: photo}
	p := m.Begin(card)
	if p.MaskedName != "张*" || p.MaskedID != "4104**********123X" {
		t.Fatalf("person %+v", p)
	}
	clock.Advance(45 * time.Second)
	if m.Expired() || m.Remaining() != 15*time.Second {
		t.Fatalf("remaining %v", m.Remaining())
	}
	m.Touch()
	clock.Advance(59 * time.Second)
	if m.Expired() {
		t.Fatal("expired although touched 59 s ago")
	}
	clock.Advance(time.Second)
	if !m.Expired() {
		t.Fatal("not expired after 60 s idle")
	}
	if !m.End() {
		t.Fatal("End reported no session")
	}
	if card.Name != "" || card.IDNumber != "" {
		t.Fatalf("card not wiped: %+v", card)
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatalf("photo bytes left in memory: %v", photo)
		}
	}
	if _, ok := m.Taxpayer(); ok || m.Active() || m.Remaining() != 0 {
		t.Fatal("session still there after End")
	}
}
