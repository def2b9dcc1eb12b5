package desk

import (
	"context"
	"time"

	"taxkiosk/kiosk/hallapi"
)

// HelpAccepted: the hall's expert seat took the kiosk's call and is on the way; the screen
// says so (help.accepted) and the tower light has stopped blinking.
type HelpAccepted struct{ Number string }

func (HelpAccepted) isEvent() {}

// helpAsker is the part of the hall client that says whether a help call was taken
// (hallapi.Client.Help). A Hall without it is never asked, and the light blinks its time.
type helpAsker interface {
	Help(ctx context.Context, kioskID string) (hallapi.HelpState, error)
}

// helpPoll is how often the kiosk asks the hall about its call while the light blinks.
const helpPoll = 2 * time.Second

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

// watchHelp asks the hall about call id until a seat accepts it (the light stops blinking
// and HelpAccepted is emitted), the seat resolves it, or the light's time is up.
func (d *Desk) watchHelp(id, number string) {
	ask, ok := d.opts.Hall.(helpAsker)
	if !ok || d.opts.KioskID == "" {
		return
	}
	until := time.Now().Add(helpLight)
	for time.Now().Before(until) {
		time.Sleep(helpPoll)
		ctx, cancel := context.WithTimeout(context.Background(), helpPoll)
		st, err := ask.Help(ctx, d.opts.KioskID)
		cancel()
		if err != nil || st.TxnID != id || st.State == hallapi.HelpWaiting {
			continue // not delivered yet, the hall unreachable, or nobody has taken it
		}
		d.tower.update(func(t *towerState) { t.helpUntil = time.Time{} })
		if st.State == hallapi.HelpAccepted {
			d.emit(HelpAccepted{Number: number})
		}
		return
	}
}
