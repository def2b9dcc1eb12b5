package staff

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Business types of the hall's queue and the letter their numbers start with, as the
// kiosks' tickets print them (hallapi.Business...).
var businessLetters = map[string]string{"filing": "A", "invoice": "B", "registration": "C", "consulting": "D"}

// Businesses lists the business types in the order the counters offer them.
var Businesses = []string{"filing", "invoice", "registration", "consulting"}

// KnownBusiness reports whether b is a business type of the queue.
func KnownBusiness(b string) bool { _, ok := businessLetters[b]; return ok }

// TicketNumber is the printed number of the seq-th ticket of business: A001.
func TicketNumber(business string, seq int) string {
	return fmt.Sprintf("%s%03d", businessLetters[business], seq)
}

var chinaTime = time.FixedZone("CST", 8*3600)

// Day is the queue day of now: the date in China Standard Time, so that the numbers start
// again at midnight in the hall, whatever the server's zone.
func Day(now time.Time) string { return now.In(chinaTime).Format(time.DateOnly) }

// Recall shows a counter's called ticket on the display again. Only the counter that
// called it may recall it.
func Recall(ctx context.Context, s Store, day, number string, counter int, now time.Time) (Ticket, error) {
	return s.UpdateTicket(ctx, day, number, func(t *Ticket) error {
		if t.State != TicketCalled || t.Counter != counter {
			return fmt.Errorf("%w: ticket %s is %s at counter %d", ErrState, t.Number, t.State, t.Counter)
		}
		t.CalledAt, t.Calls = now.UTC(), t.Calls+1
		return nil
	})
}

// Skip marks a counter's called ticket as not served (the taxpayer did not come).
func Skip(ctx context.Context, s Store, day, number string, counter int) (Ticket, error) {
	return s.UpdateTicket(ctx, day, number, func(t *Ticket) error {
		if t.State != TicketCalled || t.Counter != counter {
			return fmt.Errorf("%w: ticket %s is %s at counter %d", ErrState, t.Number, t.State, t.Counter)
		}
		t.State = TicketSkipped
		return nil
	})
}

// QueueOf is the QueueState of a day's tickets: the waiting ones counted per business,
// and at most lastCalls called ones, latest call first.
func QueueOf(tickets []Ticket, lastCalls int) QueueState {
	q := QueueState{Waiting: map[string]int{}}
	for _, t := range tickets {
		switch t.State {
		case TicketWaiting:
			q.Waiting[t.Business]++
		case TicketCalled:
			q.Called = append(q.Called, t)
		}
	}
	sort.SliceStable(q.Called, func(i, j int) bool { return q.Called[i].CalledAt.After(q.Called[j].CalledAt) })
	if len(q.Called) > lastCalls {
		q.Called = q.Called[:lastCalls]
	}
	return q
}
