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

// TestAgeOn checks the age around a birthday, on an injected day, for the card types whose
// birth field the reader gives in the same form.
func TestAgeOn(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, cst) }
	for _, c := range []struct {
		birth string
		on    time.Time
		age   int
		ok    bool
	}{
		{"19611205", day(2026, 12, 4), 64, true}, // the day before the 65th birthday
		{"19611205", day(2026, 12, 5), 65, true}, // on it
		{"19611205", day(2026, 12, 6), 65, true}, // the day after
		{"19611231", day(2026, 1, 1), 64, true},  // a year's turn is no birthday
		{"19600229", day(2025, 2, 28), 64, true}, // born on 29 February: not yet in a common year
		{"19600229", day(2025, 3, 1), 65, true},  // ...but on 1 March
		{"19600229", day(2024, 2, 29), 64, true}, // and on the day itself in a leap year
		{"19800526", day(2026, 12, 5), 46, true}, // a foreign permanent resident card's birth field
		{"20261206", day(2026, 12, 5), 0, false}, // born tomorrow: a bad card
		{"1961-12-05", day(2026, 12, 5), 0, false},
		{"19611305", day(2026, 12, 5), 0, false},
		{"", day(2026, 12, 5), 0, false},
	} {
		age, ok := AgeOn(c.birth, c.on)
		if age != c.age || ok != c.ok {
			t.Errorf("AgeOn(%q, %s) = %d, %v; want %d, %v", c.birth, c.on.Format("2006-01-02"), age, ok, c.age, c.ok)
		}
	}
}

// TestSeniorFromTheCard checks that a session knows, from the card read on its clock's day,
// whether its holder is 65 or older, for a resident and a foreign permanent resident card,
// and forgets it with the session.
func TestSeniorFromTheCard(t *testing.T) {
	t.Parallel()
	clock := clocktest.New(time.Date(2026, 12, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	m := New(time.Minute, clock.Now)
	for _, c := range []struct {
		card   idcard.Card
		senior bool
	}{
		{idcard.Card{Name: "张建国", IDNumber: "410403196112063013", Birth: "19611206", CardType: idcard.TypeResident}, false},
		{idcard.Card{Name: "张建国", IDNumber: "410403196112053013", Birth: "19611205", CardType: idcard.TypeResident}, true},
		{idcard.Card{Name: "史密斯约翰", IDNumber: "941840196112050020", Birth: "19611205", CardType: idcard.TypeForeignPermanent}, true},
		{idcard.Card{Name: "史密斯约翰", IDNumber: "941840198005200020", Birth: "19800520", CardType: idcard.TypeForeignPermanent}, false},
	} {
		card := c.card
		if p := m.Begin(&card); p.Senior != c.senior {
			t.Errorf("%s born %s: Senior %v at Begin, want %v", c.card.CardType, c.card.Birth, p.Senior, c.senior)
		}
		if p, _ := m.Person(); p.Senior != c.senior {
			t.Errorf("%s born %s: Senior %v from Person, want %v", c.card.CardType, c.card.Birth, p.Senior, c.senior)
		}
		m.End()
		if p, ok := m.Person(); ok || p.Senior {
			t.Errorf("after End: %+v, %v", p, ok)
		}
	}
}
