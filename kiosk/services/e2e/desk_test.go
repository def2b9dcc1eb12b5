package e2e_test

import (
	"strings"
	"testing"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/session"
)

// TestAnotherCardEndsTheSession: lift the Hong Kong resident's card and place the foreign
// resident's within the grace, even after "go on": the first session ends (wiped) and the
// second person's begins; only the same card takes the session back (issue 12: the session
// went on as 陈** with his enterprises).
func TestAnotherCardEndsTheSession(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Identify("hk-resident")
	first, _ := k.Term.Desk().Person()

	// The same card back: the session goes on.
	k.Demo.LiftCard()
	next[desk.CardLifted](k)
	if err := k.Demo.PlaceCard("hk-resident"); err != nil {
		t.Fatal(err)
	}
	next[desk.CardReturned](k)
	if p, ok := k.Term.Desk().Person(); !ok || p != first {
		t.Fatalf("after the same card: %+v %t, want %+v", p, ok, first)
	}

	// Another card, after the taxpayer chose to go on without theirs.
	k.Demo.LiftCard()
	next[desk.CardLifted](k)
	k.Term.Desk().KeepSession()
	if err := k.Demo.PlaceCard("foreign-permanent"); err != nil {
		t.Fatal(err)
	}
	if e := next[desk.SessionEnded](k); e.Reason != session.CardChanged {
		t.Fatalf("ended %+v", e)
	}
	started := next[desk.SessionStarted](k)
	p, ok := k.Term.Desk().Person()
	if !ok || p == first || p != started.Person || !strings.HasPrefix(p.MaskedID, "CAN") {
		t.Fatalf("after another card: %+v (first %+v)", p, first)
	}
	for _, e := range k.Term.Desk().Enterprises() {
		if e.CreditCode == registry.GangyingTrading && e.Role == hallapi.RoleLegalRepresentative {
			t.Fatalf("the new session holds the last person's role: %+v", e)
		}
	}
}

// TestCardLeftOnReader: a session finished with the card on the reader says so until the
// card is taken, for the idle screen's headline.
func TestCardLeftOnReader(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Identify("resident-male")
	k.Term.Desk().EndSession(session.Finished)
	if e := next[desk.CardOnReader](k); !e.On {
		t.Fatalf("%+v with the card still there", e)
	}
	k.Demo.LiftCard()
	if e := next[desk.CardOnReader](k); e.On {
		t.Fatalf("%+v after the card was taken", e)
	}
}
