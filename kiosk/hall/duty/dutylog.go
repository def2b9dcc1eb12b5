package duty

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"time"
	"unicode/utf8"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hall"
)

// HelpLine is one help call of the day as the duty log lists it: masked name only, never
// an ID number.
type HelpLine struct {
	KioskID    string
	CalledAt   time.Time
	State      string // "waiting", "accepted", "resolved"
	AcceptedBy string
	AcceptedAt time.Time
	ResolvedAt time.Time
	MaskedName string
	Note       string
}

// Log is the day's duty log (值班日志): the figures, the alarms raised that day, the help
// calls and the duty leader's notes.
type Log struct {
	Day     string
	Figures Figures
	Alarms  []Alarm
	Help    []HelpLine
	Notes   []hall.Note
}

// BuildLog reads day's log; help are the day's help calls (from the staff store).
func BuildLog(ctx context.Context, src Source, day string, help []HelpLine) (Log, error) {
	from, to, err := hall.ParseHallDay(day)
	if err != nil {
		return Log{}, err
	}
	es, err := src.Between(ctx, from, to)
	if err != nil {
		return Log{}, err
	}
	all, err := Alarms(ctx, src, from, es)
	if err != nil {
		return Log{}, err
	}
	l := Log{Day: day, Figures: Count(day, es), Help: help}
	for _, a := range all {
		if !a.At.Before(from) && a.At.Before(to) || a.Lasting && a.At.Before(to) {
			l.Alarms = append(l.Alarms, a)
		}
	}
	if l.Notes, err = src.Notes(ctx, day); err != nil {
		return Log{}, err
	}
	for i := range l.Help {
		l.Help[i].Note = MaskIDs(l.Help[i].Note)
	}
	return l, nil
}

// idLike is what could be an ID number in free text: 18 characters of the resident card
// (17 digits and a check digit or X), 15 of the old card, or a foreign permanent
// resident's card (three letters and twelve digits).
var idLike = regexp.MustCompile(`(?i)\b(\d{17}[\dX]|\d{15}|[A-Z]{3}\d{12})\b`)

// MaskIDs masks anything in s that looks like an ID number (mask.ID), so that a note a
// person typed never carries one to a page, a CSV or the database.
func MaskIDs(s string) string {
	return idLike.ReplaceAllStringFunc(s, mask.ID)
}

// MaxNote is the longest note, in characters.
const MaxNote = 2000

// NewNote makes the duty leader's note of day, masked; ErrNote when it is empty or too long.
func NewNote(day, by, text string, at time.Time) (hall.Note, error) {
	if text == "" || utf8.RuneCountInString(text) > MaxNote || !utf8.ValidString(text) {
		return hall.Note{}, fmt.Errorf("%w: between 1 and %d characters", ErrNote, MaxNote)
	}
	if _, _, err := hall.ParseHallDay(day); err != nil {
		return hall.Note{}, fmt.Errorf("%w: %w", ErrNote, err)
	}
	return hall.Note{Day: day, At: at.UTC(), By: by, Text: MaskIDs(text)}, nil
}

// WriteCSV writes l as one table in the page's language (a UTF-8 byte order mark first, so
// that a spreadsheet opens the Chinese right): section, time, kiosk, item, value, detail.
func WriteCSV(out io.Writer, l Log, w Words) error {
	if _, err := io.WriteString(out, "\uFEFF"); err != nil {
		return err
	}
	c := csv.NewWriter(out)
	cst := time.FixedZone("CST", 8*3600)
	clock := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04:05")
	}
	row := func(section, at, kiosk, item, value, detail string) {
		c.Write([]string{section, at, kiosk, item, value, MaskIDs(detail)})
	}
	row(w("duty.csv.section"), w("duty.csv.time"), w("duty.csv.kiosk"), w("duty.csv.item"), w("duty.csv.value"), w("duty.csv.detail"))
	f := l.Figures
	fig := w("duty.log.figures")
	row(fig, l.Day, "", w("duty.fig.total"), fmt.Sprint(f.Total), "")
	row(fig, l.Day, "", w("duty.fig.approved"), fmt.Sprint(f.Approved), "")
	row(fig, l.Day, "", w("duty.fig.rejected"), fmt.Sprint(f.Rejected), "")
	row(fig, l.Day, "", w("duty.fig.counter_visit"), fmt.Sprint(f.CounterVisit), "")
	row(fig, l.Day, "", w("duty.fig.help"), fmt.Sprint(f.HelpCalls), "")
	row(fig, l.Day, "", w("duty.fig.help_cancelled"), fmt.Sprint(f.HelpCancelled), "")
	row(fig, l.Day, "", w("duty.fig.tampers"), fmt.Sprint(f.Tampers), "")
	row(fig, l.Day, "", w("duty.fig.ratings"), fmt.Sprint(f.Ratings()), fmt.Sprintf("%.2f", f.Mean()))
	for _, k := range f.Kiosks() {
		for _, s := range Services {
			if n := f.ByKiosk[k][s]; n > 0 {
				row(fig, l.Day, k, w("duty.service."+string(s)), fmt.Sprint(n), "")
			}
		}
		if t := f.PerKiosk[k]; t != nil {
			row(fig, l.Day, k, w("duty.fig.ratings"), fmt.Sprint(t.Count), fmt.Sprintf("%.2f", t.Mean()))
		}
	}
	for lv := 1; lv <= 5; lv++ {
		row(fig, "", "", w("duty.rating.level", "n", lv), fmt.Sprint(f.Levels[lv]), "")
	}
	for _, r := range RatingReasons {
		row(fig, "", "", w("duty.reason."+r), fmt.Sprint(f.Reasons[r]), "")
	}
	for _, a := range l.Alarms {
		ack := w("duty.alarm.unacked")
		if a.Ack != nil {
			ack = w("duty.alarm.acked_by", "who", a.Ack.By, "at", clock(a.Ack.At))
		}
		row(w("duty.log.alarms"), clock(a.At), a.KioskID, w("duty.alarm."+a.Kind), ack, Detail(a, w))
	}
	for _, h := range l.Help {
		row(w("duty.log.help"), clock(h.CalledAt), h.KioskID, w("duty.help."+h.State), h.MaskedName,
			fmt.Sprintf("%s %s %s", h.AcceptedBy, clock(h.ResolvedAt), h.Note))
	}
	for _, n := range l.Notes {
		row(w("duty.log.notes"), clock(n.At), "", n.By, "", n.Text)
	}
	c.Flush()
	return c.Error()
}

// Detail words an alarm's detail in the page's language where it is a key (a kiosk's
// out-of-service reason, a tamper's kind); figures stay as the hall wrote them; a silence
// says nothing more than its start and end.
func Detail(a Alarm, w Words) string {
	switch a.Kind {
	case hall.AlarmOutOfService:
		return w(a.Detail)
	case hall.AlarmTamper:
		return w("duty.tamper." + a.Detail)
	case hall.AlarmSilent:
		return ""
	}
	return a.Detail
}
