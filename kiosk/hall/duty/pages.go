package duty

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staffweb"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

//go:embed templates/*.html templates/duty.css
var templates embed.FS

// TopicFleet is the Bus topic of the board: a heartbeat stored, an incident opened or
// ended, an alarm acknowledged. Publish on it from hall.Opts.FleetChanged (Publisher).
const TopicFleet = "fleet"

// duty is who sees these pages (an admin sees every page).
var duty = []staff.Role{staff.RoleDuty}

// Pages is the duty leader's side of the staff web application.
type Pages struct {
	Src   Source
	Rules hall.FleetRules // the hall's, defaults filled in (hall.Server.FleetRules)
}

// Publisher is hall.Opts.FleetChanged for a bus: every change of the fleet refreshes the
// boards of every hall process. A bus that cannot be reached is the bus's to log.
func Publisher(bus staff.Bus) func(hall.FleetEvent) {
	return func(e hall.FleetEvent) {
		kiosk := ""
		if e.Beat != nil {
			kiosk = e.Beat.Heartbeat.KioskID
		} else if len(e.Incidents) > 0 {
			kiosk = e.Incidents[0].KioskID
		}
		bus.Publish(TopicFleet, []byte(kiosk))
	}
}

// Register adds the pages and actions to app: the board (/duty), the figures and charts
// (/duty/stats), the duty log (/duty/log, its CSV /duty/log.csv), the announcements
// (/duty/notices) and the page's stylesheet.
func (p *Pages) Register(app *staffweb.App) {
	sub, _ := fs.Sub(templates, "templates")
	app.Page(staffweb.Page{Path: "/duty", Title: "duty.board.title", Roles: duty, Template: "board.html", FS: sub,
		Topics: []string{TopicFleet, staff.TopicHelp}, Data: p.board})
	app.Page(staffweb.Page{Path: "/duty/stats", Title: "duty.stats.title", Roles: duty, Template: "stats.html", FS: sub, Data: p.stats})
	app.Page(staffweb.Page{Path: "/duty/log", Title: "duty.log.title", Roles: duty, Template: "log.html", FS: sub, Data: p.log})
	app.Page(staffweb.Page{Path: "/duty/notices", Title: "duty.notices.title", Roles: duty, Template: "notices.html", FS: sub, Data: p.notices})
	app.Download("/duty/log.csv", "duty_log_csv", duty, p.csv)
	app.Download("/duty/duty.css", "", duty, func(*staffweb.Ctx) (staffweb.File, error) {
		css, err := templates.ReadFile("templates/duty.css")
		return staffweb.File{ContentType: "text/css; charset=utf-8", Body: css}, err
	})
	app.Action("/duty/ack", "alarm_ack", duty, p.ack)
	app.Action("/duty/note", "duty_note", duty, p.note)
	app.Action("/duty/notice", "notice_publish", duty, p.addNotice)
	app.Action("/duty/notice/withdraw", "notice_withdraw", duty, p.withdraw)
}

// BoardData is what the board's templates see.
type BoardData struct {
	Board
	InService, Offline, OutOfService int
	// HelpOpen counts the help calls the expert seat has not resolved yet: the duty leader
	// coordinates the seat (统一协调指挥), so the board shows them too.
	HelpOpen int
	words    Words
}

func (p *Pages) names(c *staffweb.Ctx) Names {
	ks, err := c.Store().Kiosks(c.R.Context())
	if err != nil {
		return nil // the board shows ids alone
	}
	m := map[string]staff.Kiosk{}
	for _, k := range ks {
		m[k.ID] = k
	}
	return func(id string) (string, string) { return m[id].Name, m[id].Place }
}

func (p *Pages) board(c *staffweb.Ctx) (any, error) {
	b, err := BuildBoard(c.R.Context(), p.Src, p.Rules, p.names(c), c.Now())
	if err != nil {
		return nil, err
	}
	d := BoardData{Board: b, words: c.T}
	_, from, _ := hall.HallDay(c.Now())
	calls, err := c.Store().HelpCalls(c.R.Context(), from)
	if err != nil {
		return nil, err
	}
	for _, h := range calls {
		if h.Open() { // neither resolved nor withdrawn at the kiosk
			d.HelpOpen++
		}
	}
	for _, k := range b.Kiosks {
		switch k.State {
		case hallapi.StateInService:
			d.InService++
		case StateOffline:
			d.Offline++
		case hallapi.StateOutOfService:
			d.OutOfService++
		}
	}
	return d, nil
}

// day is the ?day= of the request, or today in the hall; a day that does not parse is
// staff.ErrInvalid.
func day(c *staffweb.Ctx) (string, error) {
	d := c.R.URL.Query().Get("day")
	if d == "" {
		d, _, _ = hall.HallDay(c.Now())
		return d, nil
	}
	if _, _, err := hall.ParseHallDay(d); err != nil {
		return "", fmt.Errorf("%w: %w", staff.ErrInvalid, err)
	}
	return d, nil
}

// StatsData is what the figures page sees.
type StatsData struct {
	Stats
	Day, Prev, Next string
	Kiosks          []string
	PerService      []ServiceRow
}

// ServiceRow is one service's figures of the day.
type ServiceRow struct {
	Kind    txn.Kind
	Work    int
	Ratings int
	Mean    string
}

func (p *Pages) stats(c *staffweb.Ctx) (any, error) {
	d, err := day(c)
	if err != nil {
		return nil, err
	}
	s, err := BuildStats(c.R.Context(), p.Src, d, c.T)
	if err != nil {
		return nil, err
	}
	out := StatsData{Stats: s, Day: d, Prev: shiftDay(d, -1), Next: shiftDay(d, 1), Kiosks: s.Figures.Kiosks()}
	for _, k := range Services {
		work := 0
		for h := range s.Figures.Work {
			work += s.Figures.Work[h][k]
		}
		r := ServiceRow{Kind: k, Work: work}
		if t := s.Figures.PerService[k]; t != nil {
			r.Ratings, r.Mean = t.Count, fmt.Sprintf("%.2f", t.Mean())
		}
		out.PerService = append(out.PerService, r)
	}
	return out, nil
}

func shiftDay(d string, n int) string {
	from, _, err := hall.ParseHallDay(d)
	if err != nil {
		return d
	}
	out, _, _ := hall.HallDay(from.AddDate(0, 0, n).Add(time.Hour))
	return out
}

// LogData is what the duty log page sees.
type LogData struct {
	Log
	Prev, Next string
	Today      bool
	words      Words
}

// helpLines are day's help calls from the staff store, masked names only.
func helpLines(ctx context.Context, st staff.Store, day string) ([]HelpLine, error) {
	from, to, err := hall.ParseHallDay(day)
	if err != nil {
		return nil, err
	}
	calls, err := st.HelpCalls(ctx, from)
	if err != nil {
		return nil, err
	}
	var out []HelpLine
	for _, h := range calls {
		if h.CalledAt.Before(from) || !h.CalledAt.Before(to) {
			continue
		}
		out = append(out, HelpLine{KioskID: h.KioskID, CalledAt: h.CalledAt, State: h.State, AcceptedBy: h.AcceptedBy,
			AcceptedAt: h.AcceptedAt, ResolvedAt: h.ResolvedAt, MaskedName: h.MaskedName, Note: h.Note})
	}
	return out, nil
}

func (p *Pages) readLog(c *staffweb.Ctx) (Log, error) {
	d, err := day(c)
	if err != nil {
		return Log{}, err
	}
	help, err := helpLines(c.R.Context(), c.Store(), d)
	if err != nil {
		return Log{}, err
	}
	return BuildLog(c.R.Context(), p.Src, d, help)
}

func (p *Pages) log(c *staffweb.Ctx) (any, error) {
	l, err := p.readLog(c)
	if err != nil {
		return nil, err
	}
	today, _, _ := hall.HallDay(c.Now())
	return LogData{Log: l, Prev: shiftDay(l.Day, -1), Next: shiftDay(l.Day, 1), Today: l.Day == today, words: c.T}, nil
}

func (p *Pages) csv(c *staffweb.Ctx) (staffweb.File, error) {
	l, err := p.readLog(c)
	if err != nil {
		return staffweb.File{}, err
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, l, c.T); err != nil {
		return staffweb.File{}, err
	}
	return staffweb.File{Name: "duty-log-" + l.Day + ".csv", ContentType: "text/csv; charset=utf-8", Body: b.Bytes()}, nil
}

// NoticesData is what the announcements page sees.
type NoticesData struct {
	Notices []hall.StoredNotice
	Now     time.Time
	Start   string // the form's defaults: now, and a week on (datetime-local, hall time)
	End     string
}

// local is the form's datetime-local format, in the hall's zone.
const local = "2006-01-02T15:04"

func hallZone() *time.Location { return time.FixedZone("CST", 8*3600) }

func (p *Pages) notices(c *staffweb.Ctx) (any, error) {
	now := c.Now()
	ns, err := p.Src.Notices(c.R.Context(), now)
	if err != nil {
		return nil, err
	}
	return NoticesData{Notices: ns, Now: now, Start: now.In(hallZone()).Format(local), End: now.AddDate(0, 0, 7).In(hallZone()).Format(local)}, nil
}

// invalid turns the package's refusals into the App's wording of bad input.
func invalid(err error) error {
	if errors.Is(err, ErrNote) || errors.Is(err, ErrNotice) || errors.Is(err, hall.ErrInvalid) {
		return fmt.Errorf("%w: %w", staff.ErrInvalid, err)
	}
	if errors.Is(err, hall.ErrNotFound) {
		return fmt.Errorf("%w: %w", staff.ErrNotFound, err)
	}
	return err
}

func (p *Pages) ack(c *staffweb.Ctx) (string, error) {
	id := c.R.PostForm.Get("alarm")
	ctx := c.R.Context()
	now := c.Now()
	// Only an alarm the board could show may be acknowledged: a made-up id stores nothing.
	_, from, to := hall.HallDay(now)
	es, err := p.Src.Between(ctx, from, to)
	if err != nil {
		return id, err
	}
	as, err := Alarms(ctx, p.Src, from, es)
	if err != nil {
		return id, err
	}
	if !Known(as, id) {
		return id, fmt.Errorf("%w: alarm %q", staff.ErrNotFound, id)
	}
	first, err := p.Src.Acknowledge(ctx, hall.Ack{AlarmID: id, By: c.Account.Name, At: now})
	if err != nil {
		return id, invalid(err)
	}
	if !first {
		return id, fmt.Errorf("%w: alarm %s was acknowledged already", staff.ErrState, id)
	}
	return id, c.Bus().Publish(TopicFleet, []byte("ack"))
}

func (p *Pages) note(c *staffweb.Ctx) (string, error) {
	d := c.R.PostForm.Get("day")
	n, err := NewNote(d, c.Account.Name, strings.TrimSpace(c.R.PostForm.Get("text")), c.Now())
	if err != nil {
		return d, invalid(err)
	}
	return d, invalid(p.Src.PutNote(c.R.Context(), n))
}

func (p *Pages) addNotice(c *staffweb.Ctx) (string, error) {
	f := c.R.PostForm
	start, err1 := time.ParseInLocation(local, f.Get("start"), hallZone())
	end, err2 := time.ParseInLocation(local, f.Get("end"), hallZone())
	if err1 != nil || err2 != nil {
		return "", fmt.Errorf("%w: start or end", staff.ErrInvalid)
	}
	n, err := NewNotice(hallapi.Text{ZH: f.Get("title_zh"), EN: f.Get("title_en")}, hallapi.Text{ZH: f.Get("text_zh"), EN: f.Get("text_en")},
		start, end, c.Account.Name, c.Now())
	if err != nil {
		return "", invalid(err)
	}
	return n.ID, invalid(p.Src.PutNotice(c.R.Context(), n))
}

func (p *Pages) withdraw(c *staffweb.Ctx) (string, error) {
	id := c.R.PostForm.Get("notice")
	return id, invalid(p.Src.WithdrawNotice(c.R.Context(), id, c.Now()))
}

// When words a time as the hall reads it: date and time in China Standard Time.
func When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(hallZone()).Format("2006-01-02 15:04")
}

// When words t for the board's templates.
func (BoardData) When(t time.Time) string { return When(t) }

// When words t for the duty log's templates.
func (LogData) When(t time.Time) string { return When(t) }

// When words t for the announcements' templates.
func (NoticesData) When(t time.Time) string { return When(t) }

// Current reports whether n shows on the kiosks now.
func (d NoticesData) Current(n hall.StoredNotice) bool { return n.Current(d.Now) }

// CertDate is the certificate's last day, "" without one.
func (k KioskRow) CertDate() string {
	if k.CertExpiry.IsZero() {
		return ""
	}
	return k.CertExpiry.In(hallZone()).Format(time.DateOnly)
}

// Faulty reports whether a device's state needs someone.
func Faulty(state string) bool { return state != "online" && state != "busy" }

// Faulty reports whether one of the kiosk's devices needs someone.
func (k KioskRow) Faulty(state string) bool { return Faulty(state) }

// Say words an alarm's detail for the board's templates.
func (d BoardData) Say(a Alarm) string { return Detail(a, d.words) }

// Say words an alarm's detail for the duty log's templates.
func (d LogData) Say(a Alarm) string { return Detail(a, d.words) }
