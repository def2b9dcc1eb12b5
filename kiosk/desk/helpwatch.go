package desk

import (
	"context"
	"sync"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// HelpAccepted: the hall's expert seat took the kiosk's call and is on the way; the screen
// says so (help.accepted) and the tower light has stopped blinking.
type HelpAccepted struct{ Number string }

// HelpCancelled: the taxpayer withdrew the call (CancelHelp), or the session that made it
// ended (Withdrawn: whoever stands there now did not make it); the light has stopped
// blinking and the cancel is on its way to the hall like any transaction.
type HelpCancelled struct {
	Number    string
	Withdrawn bool
}

// HelpEnded: the call is no longer open without having been accepted here (the seat
// resolved it, or nobody took it within helpWatch); there is nothing left to cancel.
type HelpEnded struct{ Number string }

func (HelpAccepted) ScreenEvent()  {}
func (HelpCancelled) ScreenEvent() {}
func (HelpEnded) ScreenEvent()     {}

// helpAsker is the part of the hall client that says whether a help call was taken
// (hallapi.Client.Help). A Hall without it is never asked, and the light blinks its time.
type helpAsker interface {
	Help(ctx context.Context, kioskID string) (hallapi.HelpState, error)
}

// helpPoll is how often the kiosk asks the hall about its call while it is open.
const helpPoll = 2 * time.Second

// helpWatch is how long a call stays open at the kiosk (cancellable, asked about) when
// nobody takes it: the light blinks for helpLight of it, the seat's list keeps it longer.
const helpWatch = 15 * time.Minute

// openCall is the kiosk's one open call for the expert seat: the help_request's id, the
// number the screen showed, whether a taxpayer's session made it, and stop, closed when the
// call closes here so that its watch ends. A new call replaces the one before.
type openCall struct {
	mu      sync.Mutex
	id      string
	number  string
	session bool
	stop    chan struct{}
}

// open records call id as the open one and returns its stop channel.
func (o *openCall) open(id, number string, session bool) <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stop != nil {
		close(o.stop) // the call before is superseded: its watch ends
	}
	o.id, o.number, o.session, o.stop = id, number, session, make(chan struct{})
	return o.stop
}

// current is the open call's id and number; ok is false without one.
func (o *openCall) current() (id, number string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.id, o.number, o.id != ""
}

// ofSession is the open call's id and number when a taxpayer's session made it.
func (o *openCall) ofSession() (id, number string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.id, o.number, o.id != "" && o.session
}

// close closes call id if it is still the open one, and reports whether it was.
func (o *openCall) close(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.id != id || o.id == "" {
		return false
	}
	close(o.stop)
	o.id, o.number, o.stop = "", "", nil
	return true
}

// where is the screen the taxpayer is on and the last message key it showed, as the UI
// notes them (NoteScreen); a help call carries them to the seat.
type where struct{ screen, lastError string }

// NoteScreen records the screen shown and the last message key it showed ("" for none),
// so that a call for the expert seat tells the seat where the taxpayer is stuck.
func (d *Desk) NoteScreen(screen, lastError string) { d.where.Store(&where{screen, lastError}) }

func (d *Desk) noted() where {
	if w := d.where.Load(); w != nil {
		return *w
	}
	return where{}
}

// CancelHelp withdraws the open call for the expert seat: the cancel is committed like
// every transaction (a help_cancel naming the call, delivered by the outbox, offline too),
// then the tower light stops blinking and HelpCancelled is emitted. ErrNoHelpCall when no
// call is open; when the cancel cannot be committed the call stays open and the light on.
func (d *Desk) CancelHelp(ctx context.Context) (number string, err error) {
	id, number, ok := d.help.current()
	if !ok {
		return "", ErrNoHelpCall
	}
	return d.cancelCall(ctx, id, number, false)
}

// withdrawHelp cancels the call the session that just ended made: its taxpayer has gone,
// and the next one must not find the call (nor its 取消呼叫) on the screen, nor the seat
// come to a kiosk where nobody waits. A call made without a card stays open.
func (d *Desk) withdrawHelp() {
	id, number, ok := d.help.ofSession()
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.cancelCall(ctx, id, number, true); err != nil {
		d.log.Warn("desk: the ended session's help call stays open", "err", err)
	}
}

// cancelCall commits the cancel of call id, then closes it here.
func (d *Desk) cancelCall(ctx context.Context, id, number string, withdrawn bool) (string, error) {
	if _, err := d.record(ctx, txn.KindHelpCancel, nil, hallapi.HelpCancelBody{Call: id}); err != nil {
		return "", err
	}
	if !d.help.close(id) {
		return number, nil // the seat took it meanwhile: HelpAccepted says so
	}
	d.tower.update(func(t *towerState) { t.helpUntil = time.Time{} })
	d.emit(HelpCancelled{Number: number, Withdrawn: withdrawn})
	return number, nil
}

// watchHelp asks the hall about call id while it is open: until a seat accepts it (the
// light stops blinking and HelpAccepted is emitted), the seat resolves it or helpWatch
// passes (HelpEnded), or stop is closed (cancelled here, or a new call made).
func (d *Desk) watchHelp(id, number string, stop <-chan struct{}) {
	ask, _ := d.opts.Hall.(helpAsker)
	tick := d.clock.NewTicker(helpPoll)
	defer tick.Stop()
	until := d.clock.Now().Add(helpWatch)
	for d.clock.Now().Before(until) {
		select {
		case <-stop:
			return
		case <-tick.C():
		}
		if ask == nil || d.opts.KioskID == "" {
			continue // nobody to ask: the call stays open, cancellable, for its time
		}
		ctx, cancel := context.WithTimeout(context.Background(), helpPoll)
		st, err := ask.Help(ctx, d.opts.KioskID)
		cancel()
		if err != nil || st.TxnID != id || st.State == hallapi.HelpWaiting {
			continue // not delivered yet, the hall unreachable, or nobody has taken it
		}
		if !d.help.close(id) {
			return // cancelled here at the same moment
		}
		d.tower.update(func(t *towerState) { t.helpUntil = time.Time{} })
		if st.State == hallapi.HelpAccepted {
			d.emit(HelpAccepted{Number: number})
		} else {
			d.emit(HelpEnded{Number: number})
		}
		return
	}
	if d.help.close(id) {
		d.emit(HelpEnded{Number: number})
	}
}
