package desk

import (
	"context"
	"errors"
	"time"

	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard"
	"taxkiosk/kiosk/session"
)

// Run watches the reader, the session clock and the cabinet until ctx ends. The waits on
// hardware (a card read, a presence question) are bounded by real deadlines; everything the
// kiosk decides by time (polling, idle, lift grace, supervision) follows the desk's clock.
func (d *Desk) Run(ctx context.Context) {
	pollEvery := d.opts.PollEvery
	poll := d.clock.NewTicker(pollEvery)
	defer func() { poll.Stop() }()
	away := d.nobodyAtStart() // the presence sensor says nobody stands at the kiosk
	supervise := d.clock.NewTicker(d.opts.SuperviseEvery)
	defer supervise.Stop()
	var cabinet <-chan gpio.Event
	if d.opts.Cabinet != nil {
		cabinet = d.opts.Cabinet.Events()
	}
	var lastFail string
	supervised := false        // the first poll supervises at once, then every SuperviseEvery
	var askedPrinter time.Time // when the printer was last asked how it is
	polls := 0                 // polls since the session's card was last asked about
	misses := 0                // consecutive "no card" answers while a session runs
	for {
		if every := d.pollPeriod(away); every != pollEvery {
			poll.Stop()
			poll, pollEvery = d.clock.NewTicker(every), every
		}
		select {
		case <-ctx.Done(): // the kiosk is stopping: the taxpayer's data leaves memory
			d.EndSession(session.Shutdown)
			return
		case e, ok := <-cabinet:
			if !ok {
				cabinet = nil
				continue
			}
			d.cabinetEvent(ctx, e)
			if e.Input != gpio.Presence {
				continue
			}
			if away = !e.Active; away {
				continue
			}
			// Someone stepped up: a card already lying on the reader is read now, not at
			// the next poll, and the polls come at PollEvery again (at the loop's top).
		case <-supervise.C():
			d.superviseOnce(ctx)
			askedPrinter = d.clock.Now()
			continue
		case <-poll.C():
		}
		switch now := d.clock.Now(); {
		case !supervised:
			d.superviseOnce(ctx)
			supervised, askedPrinter = true, now
		case now.Sub(askedPrinter) >= printerRecheck && d.sup.printer() != nil:
			// A printer that cannot print is asked every second, not every SuperviseEvery:
			// paper loaded or a cover shut must reopen the services at once, while the
			// taxpayer or the technician is still looking, not a supervision later.
			askedPrinter = now
			d.recheckPrinter(ctx)
		}
		if d.sess.Active() {
			if d.sess.Expired() {
				d.end(session.Idle)
				continue
			}
			if polls++; polls < 2 { // the card is asked about every second poll
				continue
			}
			polls = 0
			switch d.lift.state(d.clock.Now(), d.opts.LiftGrace) {
			case liftAsked, liftKept:
				// Lifted, and the screen asks or the taxpayer chose to go on without the
				// card: a card placed now is read, so that only the same person's card
				// takes the session back and another's starts its own.
				d.cardDuringLift(ctx)
				continue
			case liftExpired:
				d.end(session.CardLifted)
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			present, err := d.reader.Present(cctx)
			cancel()
			// A reader that stops answering cannot tell us the card left; the idle
			// timeout still ends the session. One "no card" answer may be a card slid
			// across the antenna, so the question comes on the second in a row.
			switch {
			case err != nil:
			case present:
				misses = 0
			default:
				if misses++; misses >= 2 {
					misses = 0
					d.lift.ask(d.clock.Now())
					d.log.Info("desk: card lifted; asking whether to finish")
					d.emit(CardLifted{Grace: d.opts.LiftGrace})
				}
			}
			continue
		}
		tech := d.awaitTech.Load()
		if d.maint.Load() || (d.OutOfService() != "" && !tech) {
			continue // out of taxpayer service: a card placed now is not read
		}
		if d.checkLeft.Load() {
			d.watchLeftCard(ctx)
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		card, err := d.reader.ReadCard(cctx)
		cancel()
		// The read blocks for up to 5 s: the PIN pad may have opened, or maintenance begun,
		// meanwhile. A card read across either is not a taxpayer's.
		tech = tech || d.awaitTech.Load()
		switch {
		case err == nil && d.maint.Load():
			wipe(card)
		case err == nil && tech:
			d.technicianCard(ctx, card)
		case err == nil && d.techSeen != "" && cardTag(card) == d.techSeen:
			wipe(card) // the technician's card, still there after maintenance
		case err == nil:
			lastFail, misses, polls = "", 0, 0
			d.startSession(ctx, card)
		case errors.Is(err, idcard.ErrNoCard) || ctx.Err() != nil:
			lastFail, d.techSeen = "", ""
		default:
			n := idcard.NoticeFor(err)
			if n.Key != lastFail { // say it once, not every poll
				d.log.Warn("desk: card read failed", "err", err)
				d.emit(CardFailed{MessageKey: n.Key})
			}
			lastFail = n.Key
		}
	}
}

// startSession begins the session of the card just read.
func (d *Desk) startSession(ctx context.Context, card *idcard.Card) {
	d.checkLeft.Store(false)
	d.cardLeft.Store(false)
	id := card.IDNumber
	p := d.sess.Begin(card)
	d.ents.set(nil, time.Time{})
	d.beginSession(ctx)
	d.log.Info("desk: session started", "taxpayer", card.String())
	d.emit(SessionStarted{Person: p})
	d.lookupEnterprises(ctx, id)
}

// cardDuringLift reads a card placed while the session's card is lifted. The same ID number
// is the taxpayer back: the session goes on. Any other card is another person: the session
// ends (its data wiped) and the new card's begins, so that nobody continues someone else's.
func (d *Desk) cardDuringLift(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	card, err := d.reader.ReadCard(cctx)
	cancel()
	if err != nil {
		return // no card, or not readable yet: the grace goes on
	}
	if tp, ok := d.sess.Taxpayer(); ok && tp.IDNumber == card.IDNumber {
		wipe(card)
		d.lift.reset()
		d.log.Info("desk: the taxpayer's card is back; the session goes on")
		d.emit(CardReturned{})
		return
	}
	d.end(session.CardChanged)
	d.startSession(ctx, card)
}

// watchLeftCard tells the screens whether the last session's card still lies on the reader,
// so that the idle screen asks for it to be taken rather than for a card to be placed, and
// stops watching once it has gone.
func (d *Desk) watchLeftCard(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	present, err := d.reader.Present(cctx)
	cancel()
	if err != nil {
		return // the reader's own state is reported by supervision
	}
	if d.cardLeft.Swap(present) != present {
		d.emit(CardOnReader{On: present})
	}
	if !present {
		d.checkLeft.Store(false)
	}
}

func (d *Desk) end(r session.EndReason) {
	d.lift.reset()
	d.ents.set(nil, time.Time{})
	if r == session.Finished || r == session.Idle {
		d.checkLeft.Store(true) // the card was not seen to leave
	}
	if d.sess.End() {
		d.log.Info("desk: session ended", "reason", r)
		d.withdrawHelp()
		d.emit(SessionEnded{Reason: r})
	}
}
