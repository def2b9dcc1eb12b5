package desk_test

import (
	"testing"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/desk"
)

// sensedCabinet is the in-process cabinet with a presence sensor fitted that reads nobody
// when the desk starts (gpio.Aux lists its lines the same way).
type sensedCabinet struct{ *cabinet }

func (sensedCabinet) Lines() []gpio.Line {
	return []gpio.Line{{Name: string(gpio.Presence), Fitted: true}, {Name: string(gpio.Door)}}
}

// within advances the clock a poll at a time for at most d and reports whether the desk
// emitted an event of type T meanwhile. A read on the last tick may still be under way when
// it returns: at the fast rate the tick after it is the proof.
func within[T desk.Event](k *counterDesk, d time.Duration) bool {
	for range int(d / poll) {
		k.clock.Advance(poll)
		for {
			select {
			case e := <-k.Events():
				if _, ok := e.(T); ok {
					return true
				}
				continue
			default:
			}
			break
		}
	}
	return false
}

func sessionWithin(k *counterDesk, d time.Duration) bool { return within[desk.SessionStarted](k, d) }

// sessionNow waits, without moving the clock, for the session the desk starts from a read
// already under way.
func sessionNow(t *testing.T, k *counterDesk) {
	t.Helper()
	deadline := time.After(10 * time.Second) // a bound on a failure, not a measure
	for {
		select {
		case e := <-k.Events():
			if _, ok := e.(desk.SessionStarted); ok {
				return
			}
		case <-deadline:
			t.Fatal("no session started without a poll")
		}
	}
}

// TestAwayPollsSlowly: once the presence sensor says the last person left, the reader is
// asked for a card once a second, not every poll; a card placed then (a hand reaching past
// the sensor) is read on the next slow poll, not the next fast one.
func TestAwayPollsSlowly(t *testing.T) {
	t.Parallel()
	k := newDesk(t, nil)
	k.run()
	k.cabinet.events <- gpio.Event{Input: gpio.Presence, Active: true}
	k.cabinet.events <- gpio.Event{Input: gpio.Presence, Active: false}
	k.reader.place(card)
	if sessionWithin(k, 900*time.Millisecond) {
		t.Fatal("with nobody there the reader was polled at the fast rate")
	}
	k.clock.Advance(poll) // a second since the last person left: the slow poll reads the card
	sessionNow(t, k)
}

// TestArrivalReadsAtOnce: with nobody there the polls are slow; someone stepping up makes
// the desk read the reader at once, so a card placed just before is not kept waiting for
// the next slow poll, and the fast polls come back.
func TestArrivalReadsAtOnce(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.Cabinet = sensedCabinet{o.Cabinet.(*cabinet)} })
	k.run()
	k.reader.place(card)
	if sessionWithin(k, 900*time.Millisecond) {
		t.Fatal("a sensor reading nobody at start did not slow the polls")
	}
	k.cabinet.events <- gpio.Event{Input: gpio.Presence, Active: true}
	sessionNow(t, k)
	k.EndSession("finished")
	k.reader.lift()
	k.reader.place(card)
	if !sessionWithin(k, 2*poll) {
		t.Fatal("with someone there the reader was not polled at the fast rate")
	}
}

// TestNoSensorPollsFast: a cabinet without a presence sensor (or no cabinet) never slows the
// reader: nobody can be known to be away.
func TestNoSensorPollsFast(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.Cabinet = nil })
	k.run()
	k.clock.Advance(5 * time.Second)
	k.reader.place(card)
	if !sessionWithin(k, 2*poll) {
		t.Fatal("without a presence sensor the reader was not polled at the fast rate")
	}
}

// TestCardLeftWhileAwayPollsFast: a session finished after its taxpayer walked away, with the
// card still on the reader, is the one case the idle screen must notice with nobody there
// (it asks for the card to be taken): the desk keeps polling fast until it knows.
func TestCardLeftWhileAwayPollsFast(t *testing.T) {
	t.Parallel()
	k := newDesk(t, func(o *desk.Opts) { o.Cabinet = sensedCabinet{o.Cabinet.(*cabinet)} })
	k.run()
	k.reader.place(card)
	k.cabinet.events <- gpio.Event{Input: gpio.Presence, Active: true}
	sessionNow(t, k)
	k.cabinet.events <- gpio.Event{Input: gpio.Presence, Active: false}
	k.EndSession("finished")
	if !within[desk.CardOnReader](k, 2*poll) {
		t.Fatal("a card left on the reader with nobody there was not noticed at the fast rate")
	}
}
