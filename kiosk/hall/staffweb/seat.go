package staffweb

import (
	"sort"
	"time"

	"taxkiosk/kiosk/hall/staff"
)

// seatRoles see the expert seat's page; the duty leader watches it too.
var seatRoles = []staff.Role{staff.RoleSeat, staff.RoleDuty}

// RegisterSeat adds the expert seat's page (/seat) and its accept and resolve actions.
func RegisterSeat(a *App) {
	a.Page(Page{Path: "/seat", Title: "staff.seat.title", Roles: seatRoles, Template: "seat.html",
		Topics: []string{staff.TopicHelp}, Data: a.seatData})
	a.Action("/seat/accept", "help_accept", []staff.Role{staff.RoleSeat}, func(c *Ctx) (string, error) {
		id := c.R.PostForm.Get("id")
		_, err := staff.Accept(c.R.Context(), c.Store(), id, c.Account.Name, c.Now())
		if err == nil {
			err = c.Bus().Publish(staff.TopicHelp, []byte(id))
		}
		return id, err
	})
	a.Action("/seat/resolve", "help_resolve", []staff.Role{staff.RoleSeat}, func(c *Ctx) (string, error) {
		id := c.R.PostForm.Get("id")
		_, err := staff.Resolve(c.R.Context(), c.Store(), id, c.Account.Name, c.R.PostForm.Get("note"), c.Now())
		if err == nil {
			err = c.Bus().Publish(staff.TopicHelp, []byte(id))
		}
		return id, err // the note may name the taxpayer: it stays with the call, not in the trail
	})
}

// seatCall is one call as the page shows it.
type seatCall struct {
	staff.HelpCall
	Kiosk  staff.Kiosk
	Waited time.Duration // until now, or until accepted
	Mine   bool          // accepted by the person looking
}

// closedAt is when the call was resolved or cancelled.
func (c seatCall) closedAt() time.Time {
	if c.State == staff.HelpCancelled {
		return c.CancelledAt
	}
	return c.ResolvedAt
}

type seatView struct {
	Open     []seatCall // waiting (longest first), then accepted
	Resolved []seatCall // today's closed calls, resolved or cancelled, latest first
	Figures  staff.HelpFigures
	Waiting  int
	CanAct   bool // the seat acts; the duty leader only watches
}

func (a *App) seatData(c *Ctx) (any, error) {
	ctx, now := c.R.Context(), c.Now()
	day := staff.Day(now)
	since := now.Add(-36 * time.Hour) // covers "today" in any zone; Figures picks the day
	calls, err := c.Store().HelpCalls(ctx, since)
	if err != nil {
		return nil, err
	}
	kiosks, err := c.Store().Kiosks(ctx)
	if err != nil {
		return nil, err
	}
	where := map[string]staff.Kiosk{}
	for _, k := range kiosks {
		where[k.ID] = k
	}
	v := seatView{Figures: staff.Figures(calls, day), CanAct: c.Account.Sees(staff.RoleSeat) && c.Account.Role != staff.RoleDuty}
	for _, h := range calls {
		sc := seatCall{HelpCall: h, Kiosk: where[h.KioskID], Mine: h.AcceptedBy == c.Account.Name}
		switch h.State {
		case staff.HelpWaiting:
			sc.Waited = now.Sub(h.CalledAt)
			v.Waiting++
			v.Open = append(v.Open, sc)
		case staff.HelpAccepted:
			sc.Waited = h.AcceptedAt.Sub(h.CalledAt)
			v.Open = append(v.Open, sc)
		case staff.HelpResolved, staff.HelpCancelled:
			if staff.Day(h.CalledAt) == day {
				sc.Waited = h.AcceptedAt.Sub(h.CalledAt)
				if h.AcceptedAt.IsZero() { // cancelled before anyone took it
					sc.Waited = h.CancelledAt.Sub(h.CalledAt)
				}
				v.Resolved = append(v.Resolved, sc)
			}
		}
	}
	// Loudest first: the calls nobody has taken, longest waiting at the top; then the ones
	// being served.
	sort.SliceStable(v.Open, func(i, j int) bool {
		wi, wj := v.Open[i].State == staff.HelpWaiting, v.Open[j].State == staff.HelpWaiting
		if wi != wj {
			return wi
		}
		return v.Open[i].CalledAt.Before(v.Open[j].CalledAt)
	})
	sort.SliceStable(v.Resolved, func(i, j int) bool { return v.Resolved[i].closedAt().After(v.Resolved[j].closedAt()) })
	return v, nil
}
