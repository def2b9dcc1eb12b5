package staffweb

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strconv"

	"taxkiosk/kiosk/hall/staff"
)

var counterRoles = []staff.Role{staff.RoleCounter}

// lastCalls is how many calls the display and the counters' page list: users of queue
// systems asked for the last four on the display (FQM #172); the latest is shown large.
const lastCalls = 5

// RegisterCounters adds the counter clerk's page (/counter) with its call, recall and skip
// actions, and the hall display (/display/TOKEN) when Opts.DisplayToken is set.
func RegisterCounters(a *App) {
	a.Page(Page{Path: "/counter", Title: "staff.counter.title", Roles: counterRoles, Template: "counter.html",
		Topics: []string{staff.TopicQueue}, Data: counterData})
	a.Action("/counter/call", "queue_call", counterRoles, func(c *Ctx) (string, error) {
		business := c.R.PostForm.Get("business")
		if err := needCounter(c); err != nil || !staff.KnownBusiness(business) {
			return business, fmt.Errorf("%w: counter %d, business %q", staff.ErrInvalid, c.Account.Counter, business)
		}
		now := c.Now()
		t, err := c.Store().CallNext(c.R.Context(), staff.Day(now), business, c.Account.Counter, c.Account.Name, now)
		if err != nil {
			return business, err
		}
		return t.Number + " to counter " + strconv.Itoa(t.Counter), c.Bus().Publish(staff.TopicQueue, []byte(t.Number))
	})
	a.Action("/counter/recall", "queue_recall", counterRoles, func(c *Ctx) (string, error) {
		number := c.R.PostForm.Get("number")
		if err := needCounter(c); err != nil {
			return number, err
		}
		now := c.Now()
		if _, err := staff.Recall(c.R.Context(), c.Store(), staff.Day(now), number, c.Account.Counter, now); err != nil {
			return number, err
		}
		return number, c.Bus().Publish(staff.TopicQueue, []byte(number))
	})
	a.Action("/counter/skip", "queue_skip", counterRoles, func(c *Ctx) (string, error) {
		number := c.R.PostForm.Get("number")
		if err := needCounter(c); err != nil {
			return number, err
		}
		if _, err := staff.Skip(c.R.Context(), c.Store(), staff.Day(c.Now()), number, c.Account.Counter); err != nil {
			return number, err
		}
		return number, c.Bus().Publish(staff.TopicQueue, []byte(number))
	})
	if a.o.DisplayToken != "" {
		a.Page(Page{Path: "/display/{token}", Title: "staff.display.title", Template: "display.html", Public: true, NoNav: true,
			Class: "display", Topics: []string{staff.TopicQueue}, Data: a.displayData})
	}
}

// needCounter refuses a clerk action by an account without a counter number (an admin).
func needCounter(c *Ctx) error {
	if c.Account.Counter == 0 {
		return fmt.Errorf("%w: account %s has no counter number", staff.ErrInvalid, c.Account.Name)
	}
	return nil
}

type businessLine struct {
	Business string
	Waiting  int
}

type counterView struct {
	Counter    int
	Current    *staff.Ticket // the clerk's latest call still shown
	Businesses []businessLine
	Recent     []staff.Ticket
}

func queueLines(q staff.QueueState) []businessLine {
	lines := make([]businessLine, 0, len(staff.Businesses))
	for _, b := range staff.Businesses {
		lines = append(lines, businessLine{Business: b, Waiting: q.Waiting[b]})
	}
	return lines
}

func counterData(c *Ctx) (any, error) {
	q, err := c.Store().Queue(c.R.Context(), staff.Day(c.Now()), 1000)
	if err != nil {
		return nil, err
	}
	v := counterView{Counter: c.Account.Counter, Businesses: queueLines(q)}
	for i, t := range q.Called {
		if t.Counter == c.Account.Counter && c.Account.Counter != 0 && v.Current == nil {
			v.Current = &q.Called[i]
		}
	}
	v.Recent = q.Called[:min(len(q.Called), lastCalls)]
	return v, nil
}

type displayView struct {
	Calls      []staff.Ticket
	Businesses []businessLine
}

func (a *App) displayData(c *Ctx) (any, error) {
	if subtle.ConstantTimeCompare([]byte(c.R.PathValue("token")), []byte(a.o.DisplayToken)) != 1 {
		return nil, NotFound()
	}
	q, err := c.Store().Queue(c.R.Context(), staff.Day(c.Now()), lastCalls)
	if err != nil {
		return nil, err
	}
	return displayView{Calls: q.Called, Businesses: queueLines(q)}, nil
}

// DisplayToken derives the hall display's URL secret from the hall's key: stable across
// restarts (the big screen keeps its address), the same for every hall process sharing the
// key, and new when the key is.
func DisplayToken(hallKey []byte) string {
	m := hmac.New(sha256.New, hallKey)
	m.Write([]byte("taxkiosk hall display"))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
