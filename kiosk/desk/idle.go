package desk

import (
	"time"

	"taxkiosk/drivers/gpio"
)

// Idle reports the moment a firmware switch may take: no taxpayer's session, no card left
// on the reader after one, not in maintenance and no technician at the PIN pad. The kiosk
// restarts at once after a switch, so a session that began a moment before would be lost:
// callers also require the idle screen, and switch only when both hold.
func (d *Desk) Idle() bool {
	return !d.sess.Active() && !d.cardLeft.Load() && !d.maint.Load() && !d.awaitTech.Load()
}

// awayPollEvery is how often the reader is asked for a card while the presence sensor says
// nobody is there: a card cannot arrive without someone bringing it, and that someone is
// seen first (a presence event makes the desk read at once). Each poll is a command on the
// serial line and a wake-up of the kiosk; at the idle screen they were the largest part of
// the kiosk's own CPU in a profile (README, Footprint).
const awayPollEvery = time.Second

// pollPeriod is how often Run asks the reader for a card: slowly while nobody is there and
// nothing is going on (no session, no card left on the reader or not yet known to have gone,
// no technician), at Opts.PollEvery otherwise.
func (d *Desk) pollPeriod(away bool) time.Duration {
	if away && d.Idle() && !d.checkLeft.Load() {
		return max(d.opts.PollEvery, awayPollEvery)
	}
	return d.opts.PollEvery
}

// presenceLines is a Cabinet that lists its lines (gpio.Aux), among them whether a presence
// sensor is fitted and what it reads now.
type presenceLines interface{ Lines() []gpio.Line }

// nobodyAtStart reports whether a fitted presence sensor reads nobody when Run begins.
// Cabinet events report changes only, so without this the desk would poll at full rate until
// the first person left. A cabinet without a presence sensor, or that cannot say, counts as
// someone there: the reader is then always polled at Opts.PollEvery.
func (d *Desk) nobodyAtStart() bool {
	c, ok := d.opts.Cabinet.(presenceLines)
	if !ok {
		return false
	}
	for _, l := range c.Lines() {
		if l.Name == string(gpio.Presence) {
			return l.Fitted && !l.Active
		}
	}
	return false
}
