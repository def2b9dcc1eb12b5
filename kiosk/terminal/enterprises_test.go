package terminal_test

import (
	"testing"
	"time"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/session"
)

// loaded waits for the enterprise list of the session just started.
func (k *kiosk) loaded() desk.EnterprisesLoaded {
	k.t.Helper()
	for {
		if e, ok := k.event(15 * time.Second).(desk.EnterprisesLoaded); ok {
			return e
		}
	}
}

// finish ends the session as the Finish button does and takes the card away.
func (k *kiosk) finish() {
	k.t.Helper()
	k.term.Desk().EndSession(session.Finished)
	for {
		if _, ok := k.event(10 * time.Second).(desk.SessionEnded); ok {
			break
		}
	}
	k.demo.LiftCard()
}

// TestEnterprisesFromTheCacheOffline: a taxpayer the hall answered for once still gets their
// enterprises as one-tap choices while the link is down, marked with when the hall said so.
func TestEnterprisesFromTheCacheOffline(t *testing.T) {
	t.Parallel()
	k := newKiosk(t)
	k.identify("resident-male")
	live := k.loaded()
	if live.Count == 0 || !live.CachedAt.IsZero() {
		t.Fatalf("online lookup: %+v", live)
	}
	want := k.term.Desk().Enterprises()
	k.finish()

	k.demo.SetLink(false)
	k.waitFor("the sync loop to find the hall down", func() bool { return k.term.Link().Failures > 0 })
	k.identify("resident-male")
	cached := k.loaded()
	if cached.Count != live.Count || cached.CachedAt.IsZero() {
		t.Fatalf("offline lookup: %+v, want %d from the cache", cached, live.Count)
	}
	got := k.term.Desk().Enterprises()
	for i := range want {
		if got[i].CreditCode != want[i].CreditCode || len(got[i].Outstanding) != len(want[i].Outstanding) {
			t.Fatalf("cached enterprise %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if k.term.Desk().EnterprisesCachedAt().IsZero() {
		t.Fatal("the desk does not say the list is from the cache")
	}
	k.finish()
	if len(k.term.Desk().Enterprises()) != 0 {
		t.Fatal("the list outlived the session")
	}

	// Someone the hall never answered for: nothing to show, the credit code is typed instead.
	k.identify("resident-female")
	select {
	case e := <-k.term.Desk().Events():
		if l, ok := e.(desk.EnterprisesLoaded); ok {
			t.Fatalf("enterprises for a person never looked up: %+v", l)
		}
	case <-time.After(2 * time.Second):
	}
}
