package staff

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// MaxNote is the longest resolution note, in characters.
const MaxNote = 500

// Accept is the seat taking a waiting call. A call another seat accepted is ErrState: two
// seats never both walk to the same kiosk.
func Accept(ctx context.Context, s Store, id, who string, now time.Time) (HelpCall, error) {
	return s.UpdateHelpCall(ctx, id, func(c *HelpCall) error {
		if c.State != HelpWaiting {
			return fmt.Errorf("%w: call %s is %s", ErrState, c.ID, c.State)
		}
		c.State, c.AcceptedBy, c.AcceptedAt = HelpAccepted, who, now.UTC()
		return nil
	})
}

// Resolve closes an accepted call with a short note.
func Resolve(ctx context.Context, s Store, id, who, note string, now time.Time) (HelpCall, error) {
	if utf8.RuneCountInString(note) > MaxNote || !utf8.ValidString(note) {
		return HelpCall{}, fmt.Errorf("%w: note longer than %d characters", ErrInvalid, MaxNote)
	}
	return s.UpdateHelpCall(ctx, id, func(c *HelpCall) error {
		if c.State != HelpAccepted {
			return fmt.Errorf("%w: call %s is %s", ErrState, c.ID, c.State)
		}
		c.State, c.ResolvedBy, c.ResolvedAt, c.Note = HelpResolved, who, now.UTC(), note
		return nil
	})
}

// Cancel closes a call the taxpayer withdrew at the kiosk, waiting or accepted (the seat on
// its way sees it go). A call cancelled already is returned as it is: the kiosk's cancel
// may arrive twice. A resolved call is ErrState.
func Cancel(ctx context.Context, s Store, id string, now time.Time) (HelpCall, error) {
	return s.UpdateHelpCall(ctx, id, func(c *HelpCall) error {
		switch c.State {
		case HelpCancelled:
			return nil
		case HelpWaiting, HelpAccepted:
			c.State, c.CancelledAt = HelpCancelled, now.UTC()
			return nil
		}
		return fmt.Errorf("%w: call %s is %s", ErrState, c.ID, c.State)
	})
}

// HelpFigures are the seat's figures over a set of calls.
type HelpFigures struct {
	Calls         int
	Accepted      int
	Resolved      int
	Cancelled     int           // withdrawn by the taxpayer at the kiosk
	MeanToAccept  time.Duration // over the accepted (and resolved) calls
	MeanToResolve time.Duration // from the call to its resolution, over the resolved calls
}

// Figures computes HelpFigures over calls received on day (China Standard Time).
func Figures(calls []HelpCall, day string) HelpFigures {
	var f HelpFigures
	var toAccept, toResolve time.Duration
	for _, c := range calls {
		if Day(c.CalledAt) != day {
			continue
		}
		f.Calls++
		if !c.AcceptedAt.IsZero() {
			f.Accepted++
			toAccept += c.AcceptedAt.Sub(c.CalledAt)
		}
		if c.State == HelpCancelled {
			f.Cancelled++
		}
		if !c.ResolvedAt.IsZero() {
			f.Resolved++
			toResolve += c.ResolvedAt.Sub(c.CalledAt)
		}
	}
	if f.Accepted > 0 {
		f.MeanToAccept = toAccept / time.Duration(f.Accepted)
	}
	if f.Resolved > 0 {
		f.MeanToResolve = toResolve / time.Duration(f.Resolved)
	}
	return f
}
