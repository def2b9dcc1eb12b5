package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"taxkiosk/kiosk/hallapi"
)

// Beat is a kiosk's last heartbeat as the hall stored it, with the hall's time of receipt:
// "offline since" is measured on the hall's clock, never the kiosk's.
type Beat struct {
	Heartbeat  hallapi.Heartbeat `json:"heartbeat"`
	ReceivedAt time.Time         `json:"received_at"`
}

// Incident is a condition of one kiosk the duty leader should see, from Start (when the hall
// first learnt of it) until End (zero while it lasts). Its ID is made from the kiosk, the
// kind and the start, so two halls on one database that see the same beginning name it alike.
type Incident struct {
	ID      string    `json:"id"`
	KioskID string    `json:"kiosk_id"`
	Kind    string    `json:"kind"`   // one of the Alarm... constants of the heartbeat rules
	Detail  string    `json:"detail"` // a reason key or figures; never personal data
	Start   time.Time `json:"start"`
	End     time.Time `json:"end,omitzero"`
}

// Open reports whether the condition still lasts.
func (i Incident) Open() bool { return i.End.IsZero() }

// IncidentID names the incident of kind at kiosk beginning at start.
func IncidentID(kiosk, kind string, start time.Time) string {
	return kiosk + "/" + kind + "/" + strconv.FormatInt(start.UTC().UnixNano(), 10)
}

// Condition is one alarm condition a heartbeat shows.
type Condition struct {
	Kind   string
	Detail string
}

// Ack is the duty leader's acknowledgement of an alarm: who, when. AlarmID names an
// incident, a stored alarm or a tamper transaction (package hall/duty makes the names).
type Ack struct {
	AlarmID string    `json:"alarm_id"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Note is a line the duty leader wrote into the day's duty log (值班日志).
type Note struct {
	Day  string    `json:"day"` // the hall's day, 2006-01-02 in China Standard Time
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// StoredNotice is an announcement with who wrote it and whether it was withdrawn.
type StoredNotice struct {
	hallapi.Notice
	By        string    `json:"by"`
	Withdrawn time.Time `json:"withdrawn,omitzero"`
}

// WithdrawStored is the withdrawal of a stored notice (id, as stored in v) at at, for the
// stores to write back: changed is false when it was withdrawn before, which stays the time.
func WithdrawStored(id string, v []byte, at time.Time) (nv []byte, changed bool, err error) {
	var n StoredNotice
	if err := json.Unmarshal(v, &n); err != nil {
		return nil, false, fmt.Errorf("%w: notice %s: %w", ErrCorrupt, id, err)
	}
	if !n.Withdrawn.IsZero() {
		return v, false, nil
	}
	n.Withdrawn = at.UTC()
	nv, err = json.Marshal(n)
	return nv, err == nil, err
}

// Alarm kinds derived from heartbeats (the Fleet rules) and from transactions.
const (
	AlarmOutOfService = "out_of_service" // the kiosk took itself out of taxpayer service; Detail: its reason key
	AlarmPaperOut     = "paper_out"      // the printer has no paper
	AlarmBacklog      = "backlog"        // a transaction has waited for the hall longer than FleetRules.BacklogAge
	AlarmCertExpiry   = "cert_expiry"    // the kiosk's certificate ends within FleetRules.CertWarning
	AlarmSilent       = "silent"         // no heartbeat for FleetRules.SilentAfter
	AlarmTamper       = "tamper"         // a tamper_alarm transaction: the cabinet opened outside maintenance
)

// Fleet is what a Store keeps of the kiosks as the duty leader sees them: the last
// heartbeat of each, the incidents derived from them, acknowledgements, the duty log's
// notes and the announcements. Every method is one atomic step, safe for two hall
// processes on one database. Both of the hall's stores (boltstore, pgstore) implement it;
// the Server serves heartbeats and notices when its Store does.
type Fleet interface {
	// PutBeat stores b as its kiosk's last heartbeat and brings the kiosk's open incidents in
	// line with conds: each kind in conds not open is opened at b.ReceivedAt, and every open
	// incident whose kind is not in conds (a silent one too: the kiosk spoke) ends at
	// b.ReceivedAt. It returns the incidents opened and ended.
	PutBeat(ctx context.Context, b Beat, conds []Condition) ([]Incident, error)
	// Beats returns the last heartbeat of every kiosk, by kiosk id.
	Beats(ctx context.Context) ([]Beat, error)
	// Silence opens a silent incident for every kiosk whose last heartbeat was received
	// quiet or more before now and that has none open, starting at that heartbeat's receipt
	// plus quiet, and returns those it opened.
	Silence(ctx context.Context, now time.Time, quiet time.Duration) ([]Incident, error)
	// Incidents returns the incidents open now or ended at or after from, by start.
	Incidents(ctx context.Context, from time.Time) ([]Incident, error)
	// Acknowledge records a; an alarm acknowledged before keeps its first Ack, and ok is false.
	Acknowledge(ctx context.Context, a Ack) (ok bool, err error)
	Acks(ctx context.Context) ([]Ack, error)
	// PutNote appends a note to its day's duty log; Notes returns a day's, oldest first.
	PutNote(ctx context.Context, n Note) error
	Notes(ctx context.Context, day string) ([]Note, error)
	// PutNotice stores a new announcement (its ID must be new); WithdrawNotice ends one
	// early; Notices returns those not ended (nor withdrawn) before from, by start.
	PutNotice(ctx context.Context, n StoredNotice) error
	WithdrawNotice(ctx context.Context, id string, at time.Time) error
	Notices(ctx context.Context, from time.Time) ([]StoredNotice, error)
	// Between returns the transactions created (by the kiosk's clock) in [from, to), with
	// their results, without opening their Taxpayer (nil): the figures of the duty log.
	Between(ctx context.Context, from, to time.Time) ([]Entry, error)
}

// FleetRules say when a heartbeat is an alarm. Zero fields take the documented defaults.
type FleetRules struct {
	BacklogAge  time.Duration // a waiting transaction older than this; zero: 1 hour
	CertWarning time.Duration // a certificate ending within this; zero: 30 days
	SilentAfter time.Duration // no heartbeat for this long; zero: 5 minutes
}

// WithDefaults is r with its zero fields set to the defaults.
func (r FleetRules) WithDefaults() FleetRules { return r.withDefaults() }

func (r FleetRules) withDefaults() FleetRules {
	if r.BacklogAge <= 0 {
		r.BacklogAge = time.Hour
	}
	if r.CertWarning <= 0 {
		r.CertWarning = 30 * 24 * time.Hour
	}
	if r.SilentAfter <= 0 {
		r.SilentAfter = 5 * time.Minute
	}
	return r
}

// Conditions are the alarms hb shows at the hall's time now. The certificate is judged by
// the hall's clock, the backlog by the age the kiosk measured (so a kiosk whose clock
// drifted is still judged right).
func (r FleetRules) Conditions(hb hallapi.Heartbeat, now time.Time) []Condition {
	r = r.withDefaults()
	var out []Condition
	if hb.State == hallapi.StateOutOfService {
		out = append(out, Condition{AlarmOutOfService, hb.Reason})
	}
	if hb.Paper == hallapi.PaperOut {
		out = append(out, Condition{AlarmPaperOut, ""})
	}
	if age := time.Duration(hb.OldestSeconds) * time.Second; hb.Backlog > 0 && age > r.BacklogAge {
		out = append(out, Condition{AlarmBacklog, fmt.Sprintf("%d waiting, oldest %s", hb.Backlog, age.Truncate(time.Minute))})
	}
	if !hb.CertExpiry.IsZero() && hb.CertExpiry.Sub(now) < r.CertWarning {
		days := int(hb.CertExpiry.Sub(now).Hours() / 24)
		out = append(out, Condition{AlarmCertExpiry, fmt.Sprintf("%s (%d days)", hb.CertExpiry.UTC().Format(time.DateOnly), days)})
	}
	return out
}

// HallDay is the hall's day of t (China Standard Time), as duty logs and queue numbers count
// days, and the day's bounds.
func HallDay(t time.Time) (day string, from, to time.Time) {
	cst := chinaTime()
	l := t.In(cst)
	from = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, cst)
	return from.Format(time.DateOnly), from.UTC(), from.AddDate(0, 0, 1).UTC()
}

// ParseHallDay is the bounds of a day named 2006-01-02.
func ParseHallDay(day string) (from, to time.Time, err error) {
	d, err := time.ParseInLocation(time.DateOnly, day, chinaTime())
	if err != nil {
		return from, to, fmt.Errorf("%w: day %q", ErrInvalid, day)
	}
	return d.UTC(), d.AddDate(0, 0, 1).UTC(), nil
}
