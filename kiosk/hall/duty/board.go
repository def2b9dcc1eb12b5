package duty

import (
	"context"
	"html/template"
	"math"
	"slices"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
)

// StateOffline is a kiosk's state on the board when its heartbeats stopped
// (FleetRules.SilentAfter): whatever it last said is no longer known to hold.
const StateOffline = "offline"

// KioskRow is one kiosk on the board, from its last heartbeat.
type KioskRow struct {
	ID           string
	Name, Place  string // from the staff's list of kiosks, when it names this one
	State        string // hallapi.State... or StateOffline
	Reason       string // the out-of-service reason key
	LastBeat     time.Time
	OfflineSince time.Time // the last heartbeat, when offline
	Devices      []hallapi.DeviceHealth
	Paper        string
	PaperLeft    int
	Backlog      int
	Oldest       time.Duration
	Version      string
	CertExpiry   time.Time
	CertDays     int  // whole days left; negative once expired
	CertSoon     bool // within FleetRules.CertWarning
	Pending      int  // unacknowledged alarms of the kiosk
}

// Board is the duty leader's live view: every kiosk and the alarms.
type Board struct {
	Now    time.Time
	Day    string
	Kiosks []KioskRow
	Alarms []Alarm // lasting ones, and those raised since the day began
}

// Pending counts the unacknowledged alarms.
func (b Board) Pending() int {
	n := 0
	for _, a := range b.Alarms {
		if a.Pending() {
			n++
		}
	}
	return n
}

// Names gives a kiosk id its name and place in the hall (from the staff's list).
type Names func(id string) (name, place string)

// BuildBoard reads the board at now under rules (defaults filled in by the Server:
// hall.Server.FleetRules).
func BuildBoard(ctx context.Context, src Source, rules hall.FleetRules, names Names, now time.Time) (Board, error) {
	day, from, to := hall.HallDay(now)
	b := Board{Now: now, Day: day}
	beats, err := src.Beats(ctx)
	if err != nil {
		return b, err
	}
	es, err := src.Between(ctx, from, to)
	if err != nil {
		return b, err
	}
	if b.Alarms, err = Alarms(ctx, src, from, es); err != nil {
		return b, err
	}
	pending := map[string]int{}
	for _, a := range b.Alarms {
		if a.Pending() {
			pending[a.KioskID]++
		}
	}
	for _, bt := range beats {
		hb := bt.Heartbeat
		r := KioskRow{ID: hb.KioskID, State: hb.State, Reason: hb.Reason, LastBeat: bt.ReceivedAt, Devices: hb.Devices,
			Paper: hb.Paper, PaperLeft: hb.PaperLeft, Backlog: hb.Backlog, Oldest: time.Duration(hb.OldestSeconds) * time.Second,
			Version: hb.Version, CertExpiry: hb.CertExpiry, Pending: pending[hb.KioskID]}
		if names != nil {
			r.Name, r.Place = names(hb.KioskID)
		}
		if rules.SilentAfter > 0 && now.Sub(bt.ReceivedAt) >= rules.SilentAfter {
			r.State, r.OfflineSince = StateOffline, bt.ReceivedAt
		}
		if !hb.CertExpiry.IsZero() {
			r.CertDays = int(math.Floor(hb.CertExpiry.Sub(now).Hours() / 24))
			r.CertSoon = hb.CertExpiry.Sub(now) < rules.CertWarning
		}
		b.Kiosks = append(b.Kiosks, r)
	}
	slices.SortFunc(b.Kiosks, func(x, y KioskRow) int {
		if x.ID < y.ID {
			return -1
		}
		if x.ID > y.ID {
			return 1
		}
		return 0
	})
	return b, nil
}

// Words is a catalogue in the page's language: key and placeholder pairs.
type Words func(key string, kv ...any) string

// Stats is the day's figures with their charts, and the ratings' trend over the week
// before.
type Stats struct {
	Figures  Figures
	Workload template.HTML // transactions per hour per service (stacked bars)
	Levels   template.HTML // ratings by level
	Reasons  template.HTML // ratings' reasons
	Trend    template.HTML // the mean rating per day over TrendDays
	Days     []string
	Means    []float64 // per day of Days; NaN without ratings
}

// TrendDays is how many days the ratings' trend shows, the day itself included.
const TrendDays = 7

// BuildStats counts day's transactions and draws the charts in the page's language.
func BuildStats(ctx context.Context, src Source, day string, w Words) (Stats, error) {
	from, to, err := hall.ParseHallDay(day)
	if err != nil {
		return Stats{}, err
	}
	weekFrom := from.AddDate(0, 0, -(TrendDays - 1))
	es, err := src.Between(ctx, weekFrom, to)
	if err != nil {
		return Stats{}, err
	}
	byDay := map[string][]hall.Entry{}
	for _, e := range es {
		d, _, _ := hall.HallDay(e.Txn.CreatedAt)
		byDay[d] = append(byDay[d], e)
	}
	s := Stats{Figures: Count(day, byDay[day])}
	for i := 0; i < TrendDays; i++ {
		d, _, _ := hall.HallDay(weekFrom.AddDate(0, 0, i))
		m := Count(d, byDay[d]).Mean()
		if m == 0 {
			m = math.NaN()
		}
		s.Days, s.Means = append(s.Days, d[5:]), append(s.Means, m)
	}
	s.draw(w)
	return s, nil
}

func (s *Stats) draw(w Words) {
	f := s.Figures
	hours := make([]string, 24)
	for h := range hours {
		hours[h] = w("duty.chart.hour", "h", h)
	}
	var work []Series
	for _, k := range Services {
		v := make([]float64, 24)
		any := false
		for h := range v {
			v[h] = float64(f.Work[h][k])
			any = any || v[h] > 0
		}
		if any {
			work = append(work, Series{Name: w("duty.service." + string(k)), Values: v})
		}
	}
	s.Workload = BarChart(w("duty.chart.workload"), hours, work)
	levels := Series{Name: w("duty.chart.ratings")}
	var levelLabels []string
	for l := 1; l <= 5; l++ {
		levelLabels = append(levelLabels, w("duty.rating.level", "n", l))
		levels.Values = append(levels.Values, float64(f.Levels[l]))
	}
	s.Levels = BarChart(w("duty.chart.levels"), levelLabels, []Series{levels})
	reasons := Series{Name: w("duty.chart.ratings")}
	var reasonLabels []string
	for _, r := range RatingReasons {
		reasonLabels = append(reasonLabels, w("duty.reason."+r))
		reasons.Values = append(reasons.Values, float64(f.Reasons[r]))
	}
	s.Reasons = BarChart(w("duty.chart.reasons"), reasonLabels, []Series{reasons})
	s.Trend = LineChart(w("duty.chart.trend"), s.Days, []Series{{Name: w("duty.chart.mean"), Values: s.Means}}, 5)
}
