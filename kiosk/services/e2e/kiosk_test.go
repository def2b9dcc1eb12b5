package e2e_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/terminal/terminaltest"
	"taxkiosk/kiosk/txn"
)

// Kiosk is a whole kiosk against the demo's simulators and its real hall.
type Kiosk struct {
	T    *testing.T
	Demo *demo.Demo
	Term *terminal.Terminal
	Cat  *i18n.Catalog
}

// Day is the kiosk's clock in these tests: the demo's Q3 items, due 2026-10-23, are then 43
// days late.
var Day = time.Date(2026, 12, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// start starts a kiosk; configure, if not nil, changes its configuration first.
func start(t *testing.T, configure func(*config.Config)) *Kiosk {
	t.Helper()
	k := terminaltest.Start(t, terminaltest.Options{Configure: configure,
		Tune: func(o *terminal.Opts) { o.Now = func() time.Time { return Day } }})
	return &Kiosk{T: t, Demo: k.Demo, Term: k.Term, Cat: k.Catalog}
}

// Identify places the persona's card and waits until the hall has said whom they act for.
func (k *Kiosk) Identify(persona string) {
	k.T.Helper()
	if err := k.Demo.PlaceCard(persona); err != nil {
		k.T.Fatal(err)
	}
	started, loaded := false, false
	deadline := time.After(20 * time.Second)
	for !started || !loaded {
		select {
		case e := <-k.Term.Desk().Events():
			switch e.(type) {
			case desk.SessionStarted:
				started = true
			case desk.EnterprisesLoaded:
				loaded = true
			}
		case <-deadline:
			k.T.Fatalf("%s: session started %t, enterprises loaded %t", persona, started, loaded)
		}
	}
}

// Offline cuts the link and waits until the sync loop has noticed.
func (k *Kiosk) Offline() {
	k.T.Helper()
	k.Demo.SetLink(false)
	k.waitStatus("the sync loop never noticed the cut link", false)
}

// Online waits until the sync loop has reached the hall at least once.
func (k *Kiosk) Online() {
	k.T.Helper()
	k.waitStatus("the sync loop never reached the hall", true)
}

// waitStatus waits on the sync loop's own status notifications until it is online or not.
func (k *Kiosk) waitStatus(fail string, online bool) {
	k.T.Helper()
	ch, stop := k.Term.LinkChanges()
	defer stop()
	deadline := time.After(20 * time.Second)
	for k.Term.Link().Online != online {
		select {
		case <-ch:
		case <-deadline:
			k.T.Fatal(fail)
		}
	}
}

// HallEntry is the hall's stored result of transaction id once it has one, waiting up to
// within; it fails the test when the hall stored the transaction twice.
func (k *Kiosk) HallEntry(id string, within time.Duration) (txn.Result, bool) {
	k.T.Helper()
	deadline := time.Now().Add(within)
	for {
		entries, err := k.Demo.Hall.List(context.Background())
		if err != nil {
			k.T.Fatal(err)
		}
		var found []txn.Result
		for _, e := range entries {
			if e.Txn.ID == id {
				found = append(found, e.Result)
			}
		}
		switch {
		case len(found) > 1:
			k.T.Fatalf("the hall stored %s %d times", id, len(found))
		case len(found) == 1 && found[0].State.Done():
			return found[0], true
		}
		if time.Now().After(deadline) {
			return txn.Result{}, false
		}
		time.Sleep(50 * time.Millisecond) // the hall has no notification to wait on
	}
}

// Accepted counts the outbox's transactions of kind: a refusal must leave none behind.
func (k *Kiosk) Accepted(kind txn.Kind) int {
	k.T.Helper()
	recs, err := k.Term.Records(outbox.Filter{})
	if err != nil {
		k.T.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Txn.Kind == kind {
			n++
		}
	}
	return n
}

// Refused checks err is want and that its message key is in the catalogues.
func (k *Kiosk) Refused(name string, err, want error) {
	k.T.Helper()
	if !errors.Is(err, want) {
		k.T.Errorf("%s: %v, want %v", name, err, want)
		return
	}
	if key := counter.MessageKey(err); !k.Cat.Has(key) {
		k.T.Errorf("%s: message key %q is not in the catalogues", name, key)
	}
}

// next waits for the desk's next event of type T, skipping others.
func next[T desk.Event](k *Kiosk) T {
	k.T.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case e := <-k.Term.Desk().Events():
			if v, ok := e.(T); ok {
				return v
			}
		case <-deadline:
			var zero T
			k.T.Fatalf("no %T", zero)
			return zero
		}
	}
}
