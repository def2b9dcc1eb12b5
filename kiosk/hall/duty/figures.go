package duty

import (
	"encoding/json"
	"slices"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/txn"
)

// Services are the transaction kinds counted as the hall's work, in the order the charts
// show them; help calls, tamper alarms, ratings and technicians' audits are not work done
// for a taxpayer and are counted apart.
var Services = []txn.Kind{txn.KindVATReturn, txn.KindInvoiceCollection, txn.KindTaxPayment, txn.KindCertificate,
	txn.KindInvoiceVerification, txn.KindQueueTicket}

// RatingReasons are the quick reasons a kiosk's rating screen offers (desk.RatingReasons).
var RatingReasons = []string{"easy", "fast", "clear", "slow", "hard", "device"}

// Rating is one anonymous rating as its transaction's body carries it.
type Rating struct {
	Level   int      `json:"level"`
	Reasons []string `json:"reasons"`
	Service txn.Kind `json:"service,omitempty"`
}

// Figures are a day's numbers: the duty log's figures and the board's charts.
type Figures struct {
	Day string
	// Work[hour][service] counts the services' transactions created in each hour of the
	// hall's day (0..23, China Standard Time); ByKiosk[kiosk][service] over the day.
	Work    [24]map[txn.Kind]int
	ByKiosk map[string]map[txn.Kind]int
	Total   int // services' transactions
	// Approved, Rejected and CounterVisit count the services' transactions by the hall's
	// result; the rest wait for one.
	Approved, Rejected, CounterVisit int
	HelpCalls, Tampers               int
	HelpCancelled                    int // calls the taxpayer withdrew at the kiosk
	// Ratings: count per level (index 1..5), per reason, and count and sum per service and
	// per kiosk (the mean is Sum/Count).
	Levels     [6]int
	Reasons    map[string]int
	PerService map[txn.Kind]*Tally
	PerKiosk   map[string]*Tally
}

// Tally counts ratings and sums their levels.
type Tally struct{ Count, Sum int }

// Mean is the average level, 0 without ratings.
func (t *Tally) Mean() float64 {
	if t == nil || t.Count == 0 {
		return 0
	}
	return float64(t.Sum) / float64(t.Count)
}

// Ratings is the number of ratings of the day.
func (f Figures) Ratings() int {
	n := 0
	for _, c := range f.Levels[1:] {
		n += c
	}
	return n
}

// Mean is the day's average rating, 0 without ratings.
func (f Figures) Mean() float64 {
	n, sum := 0, 0
	for l, c := range f.Levels {
		n, sum = n+c, sum+l*c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Kiosks lists the kiosks with work or ratings, sorted.
func (f Figures) Kiosks() []string {
	var out []string
	for k := range f.ByKiosk {
		out = append(out, k)
	}
	for k := range f.PerKiosk {
		if _, ok := f.ByKiosk[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Count figures the entries of one hall day (from Fleet.Between).
func Count(day string, es []hall.Entry) Figures {
	f := Figures{Day: day, ByKiosk: map[string]map[txn.Kind]int{}, Reasons: map[string]int{},
		PerService: map[txn.Kind]*Tally{}, PerKiosk: map[string]*Tally{}}
	for h := range f.Work {
		f.Work[h] = map[txn.Kind]int{}
	}
	cst := time.FixedZone("CST", 8*3600)
	for _, e := range es {
		t := e.Txn
		switch {
		case t.Kind == txn.KindHelpRequest:
			f.HelpCalls++
		case t.Kind == txn.KindHelpCancel:
			if e.Result.State == txn.Approved { // a cancel naming no call of its kiosk withdrew nothing
				f.HelpCancelled++
			}
		case t.Kind == txn.KindTamper:
			f.Tampers++
		case t.Kind == txn.KindRating:
			var r Rating
			if json.Unmarshal(t.Body, &r) != nil || r.Level < 1 || r.Level > 5 {
				continue // the hall refused it as a bad body; it is no rating
			}
			f.Levels[r.Level]++
			for _, why := range r.Reasons {
				if slices.Contains(RatingReasons, why) {
					f.Reasons[why]++
				}
			}
			tally(f.PerService, r.Service, r.Level)
			tally(f.PerKiosk, t.KioskID, r.Level)
		case slices.Contains(Services, t.Kind):
			f.Total++
			f.Work[t.CreatedAt.In(cst).Hour()][t.Kind]++
			if f.ByKiosk[t.KioskID] == nil {
				f.ByKiosk[t.KioskID] = map[txn.Kind]int{}
			}
			f.ByKiosk[t.KioskID][t.Kind]++
			switch e.Result.State {
			case txn.Approved:
				f.Approved++
			case txn.Rejected:
				f.Rejected++
			case txn.CounterVisit:
				f.CounterVisit++
			}
		}
	}
	return f
}

func tally[K comparable](m map[K]*Tally, k K, level int) {
	if m[k] == nil {
		m[k] = &Tally{}
	}
	m[k].Count++
	m[k].Sum += level
}
