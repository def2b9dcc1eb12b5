package duty

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// t0 is 10:00 on 2026-12-01 in the hall (China Standard Time).
var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *boltstore.Store {
	key, _ := seal.NewKey(bytes.Repeat([]byte{3}, seal.KeySize))
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func entry(kiosk, id string, kind txn.Kind, at time.Time, body string, state txn.State) hall.Entry {
	tp := storetest.Persona
	t := txn.Txn{ID: id, KioskID: kiosk, Kind: kind, CreatedAt: at, Body: json.RawMessage(body)}
	if kind != txn.KindRating && kind != txn.KindTamper {
		t.Taxpayer = &tp
	}
	// Received when the batch came, as a hall stamps them: in cursor order, after creation.
	return hall.Entry{Txn: t, Result: txn.Result{State: state, At: at}, ReceivedAt: t0.Add(6 * time.Hour)}
}

// words is a catalogue stand-in that shows the key and its values, so tests see what was asked.
func words(key string, kv ...any) string {
	var b strings.Builder
	b.WriteString(key)
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString("|")
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(func() string { return fmtAny(kv[i+1]) }(), "\n", " "), ",", ";")))
	}
	return b.String()
}

func fmtAny(v any) string { b, _ := json.Marshal(v); return strings.Trim(string(b), `"`) }

// dayOf fills a store with one day's work at two kiosks: what the figures and the log count.
func dayOf(t *testing.T, s *boltstore.Store) { dayAt(t, s, t0) }

// dayAt is dayOf with base for 10:00 of the day.
func dayAt(t *testing.T, s *boltstore.Store, base time.Time) {
	ctx := context.Background()
	put := func(kiosk string, es ...hall.Entry) {
		for i := range es { // received together, when the kiosk came back online
			es[i].ReceivedAt = base.Add(6 * time.Hour)
		}
		if _, err := s.PutBatch(ctx, kiosk, es); err != nil {
			t.Fatal(err)
		}
	}
	put("K1",
		entry("K1", "v1", txn.KindVATReturn, base, storetest.ZeroReturn, txn.Approved),
		entry("K1", "v2", txn.KindVATReturn, base.Add(10*time.Minute), storetest.ZeroReturn, txn.Rejected),
		entry("K1", "q1", txn.KindQueueTicket, base.Add(time.Hour), `{"business":"filing"}`, txn.Approved),
		entry("K1", "r1", txn.KindRating, base.Add(time.Hour), `{"level":5,"reasons":["fast","easy"],"service":"vat_return"}`, txn.Approved),
		entry("K1", "r2", txn.KindRating, base.Add(2*time.Hour), `{"level":2,"reasons":["slow","nonsense"],"service":"vat_return"}`, txn.Approved),
		entry("K1", "h1", txn.KindHelpRequest, base.Add(2*time.Hour), `{"source":"button"}`, txn.Approved),
		entry("K1", "x1", txn.KindTamper, base.Add(3*time.Hour), `{"door":"open","session":true}`, txn.Approved),
		entry("K1", "yday", txn.KindVATReturn, base.Add(-24*time.Hour), storetest.ZeroReturn, txn.Approved),
	)
	put("K2",
		entry("K2", "c1", txn.KindCertificate, base.Add(30*time.Minute), `{}`, txn.CounterVisit),
		entry("K2", "r3", txn.KindRating, base.Add(40*time.Minute), `{"level":4,"reasons":["clear"],"service":"certificate"}`, txn.Approved),
		entry("K2", "rbad", txn.KindRating, base.Add(40*time.Minute), `{"level":9}`, txn.Rejected),
		entry("K2", "r0", txn.KindRating, base.Add(-48*time.Hour), `{"level":1}`, txn.Approved),
	)
}

func TestCount(t *testing.T) {
	s := openStore(t)
	dayOf(t, s)
	day, from, to := hall.HallDay(t0)
	es, err := s.Between(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	f := Count(day, es)
	if f.Total != 4 || f.Approved != 2 || f.Rejected != 1 || f.CounterVisit != 1 || f.HelpCalls != 1 || f.Tampers != 1 {
		t.Fatalf("figures %+v", f)
	}
	if f.Work[10][txn.KindVATReturn] != 2 || f.Work[11][txn.KindQueueTicket] != 1 || f.Work[10][txn.KindCertificate] != 1 {
		t.Fatalf("work by hour %+v", f.Work)
	}
	if f.ByKiosk["K1"][txn.KindVATReturn] != 2 || f.ByKiosk["K2"][txn.KindCertificate] != 1 {
		t.Fatalf("by kiosk %+v", f.ByKiosk)
	}
	if f.Ratings() != 3 || f.Levels[5] != 1 || f.Levels[2] != 1 || f.Levels[4] != 1 || math.Abs(f.Mean()-11.0/3) > 1e-9 {
		t.Fatalf("ratings %+v mean %v", f.Levels, f.Mean())
	}
	if f.Reasons["fast"] != 1 || f.Reasons["slow"] != 1 || f.Reasons["nonsense"] != 0 || f.PerService[txn.KindVATReturn].Mean() != 3.5 ||
		f.PerKiosk["K2"].Count != 1 {
		t.Fatalf("reasons %+v per service %+v", f.Reasons, f.PerService)
	}
	if ks := f.Kiosks(); strings.Join(ks, ",") != "K1,K2" {
		t.Fatalf("kiosks %v", ks)
	}
}

// TestBoardOnInjectedClock: a kiosk is in service while its heartbeats come, offline since
// its last one once they stop for FleetRules.SilentAfter, and back with the next.
func TestBoardOnInjectedClock(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	rules := hall.FleetRules{SilentAfter: 5 * time.Minute, CertWarning: 30 * 24 * time.Hour}
	beat := storetest.Beat("K1", t0)
	beat.Heartbeat.CertExpiry = t0.Add(20 * 24 * time.Hour)
	if _, err := s.PutBeat(ctx, beat, rules.Conditions(beat.Heartbeat, t0)); err != nil {
		t.Fatal(err)
	}
	names := func(id string) (string, string) { return "1号机", "自助办税区东侧" }
	b, err := BuildBoard(ctx, s, rules, names, t0.Add(4*time.Minute))
	if err != nil || len(b.Kiosks) != 1 {
		t.Fatal(b, err)
	}
	k := b.Kiosks[0]
	if k.State != hallapi.StateInService || !k.OfflineSince.IsZero() || k.Name != "1号机" || k.CertDays != 19 || !k.CertSoon || k.Pending != 1 {
		t.Fatalf("kiosk at +4 min: %+v", k)
	}
	if len(b.Alarms) != 1 || b.Alarms[0].Kind != hall.AlarmCertExpiry || !b.Alarms[0].Lasting || b.Pending() != 1 {
		t.Fatalf("alarms at +4 min: %+v", b.Alarms)
	}
	b, _ = BuildBoard(ctx, s, rules, nil, t0.Add(5*time.Minute))
	if k := b.Kiosks[0]; k.State != StateOffline || !k.OfflineSince.Equal(t0) {
		t.Fatalf("kiosk at +5 min: %+v", k)
	}
	if _, err := s.Silence(ctx, t0.Add(5*time.Minute), rules.SilentAfter); err != nil {
		t.Fatal(err)
	}
	b, _ = BuildBoard(ctx, s, rules, nil, t0.Add(6*time.Minute))
	if len(b.Alarms) != 2 || b.Alarms[0].Kind != hall.AlarmSilent {
		t.Fatalf("alarms while silent: %+v", b.Alarms)
	}
	back := storetest.Beat("K1", t0.Add(7*time.Minute))
	s.PutBeat(ctx, back, rules.Conditions(back.Heartbeat, back.ReceivedAt))
	b, _ = BuildBoard(ctx, s, rules, nil, t0.Add(7*time.Minute))
	if k := b.Kiosks[0]; k.State != hallapi.StateInService || !k.OfflineSince.IsZero() {
		t.Fatalf("kiosk back: %+v", k)
	}
	if b.Alarms[0].Kind != hall.AlarmSilent || b.Alarms[0].Lasting || b.Alarms[0].End.IsZero() {
		t.Fatalf("the silence ended but is still to acknowledge: %+v", b.Alarms)
	}
}

func TestAlarmsAcknowledged(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	dayOf(t, s)
	s.PutAlarms(ctx, []hall.Alarm{{At: t0.Add(time.Minute), KioskID: "K2", Kind: hall.AlarmSeqGap, Detail: "seq 3 to 4 missing"},
		{At: t0.Add(-30 * 24 * time.Hour), KioskID: "K2", Kind: hall.AlarmSeqGap, Detail: "long ago"}})
	oos := storetest.Beat("K2", t0.Add(5*time.Hour))
	s.PutBeat(ctx, oos, []hall.Condition{{Kind: hall.AlarmOutOfService, Detail: "printer_unavailable"}})
	_, from, to := hall.HallDay(t0)
	es, _ := s.Between(ctx, from, to)
	as, err := Alarms(ctx, s, from, es)
	if err != nil || len(as) != 3 {
		t.Fatalf("alarms %+v %v", as, err)
	}
	if as[0].Kind != hall.AlarmOutOfService || !as[0].Lasting || as[1].Kind != hall.AlarmTamper || as[1].ID != TamperID("K1", "x1") ||
		as[1].Detail != "door_open_session" || as[2].Kind != hall.AlarmSeqGap {
		t.Fatalf("order or content: %+v", as)
	}
	if _, err := s.Acknowledge(ctx, hall.Ack{AlarmID: as[1].ID, By: "zhang", At: t0.Add(6 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acknowledge(ctx, hall.Ack{AlarmID: as[2].ID, By: "zhang", At: t0.Add(6 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	again, _ := Alarms(ctx, s, from, es)
	if again[0].Kind != hall.AlarmOutOfService || !again[0].Pending() || again[1].Pending() || again[2].Pending() ||
		again[1].Ack.By != "zhang" || again[1].Kind != hall.AlarmTamper {
		t.Fatalf("after acknowledging two, the ids did not stick: %+v", again)
	}
	if !Known(again, as[2].ID) || Known(again, "a:nothing") {
		t.Fatal("Known")
	}
}

// TestDutyLogCSV: the CSV holds the day's figures, alarms, help calls and notes, and no ID
// number even where a person typed one.
func TestDutyLogCSV(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	dayOf(t, s)
	day, _, _ := hall.HallDay(t0)
	n, err := NewNote(day, "zhang", "纳税人 "+storetest.Persona.IDNumber+" 反映2号机卡纸，已处理", t0.Add(8*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutNote(ctx, n); err != nil {
		t.Fatal(err)
	}
	help := []HelpLine{{KioskID: "K1", CalledAt: t0.Add(2 * time.Hour), State: "resolved", AcceptedBy: "li", MaskedName: "欧**",
		Note: "证件号 41040219800101123X 已核对"}}
	l, err := BuildLog(ctx, s, day, help)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteCSV(&out, l, words); err != nil {
		t.Fatal(err)
	}
	raw := out.String()
	if !strings.HasPrefix(raw, "\uFEFF") {
		t.Error("no byte order mark")
	}
	for _, secret := range []string{storetest.Persona.IDNumber, storetest.Persona.Name} {
		if strings.Contains(raw, secret) {
			t.Errorf("CSV carries %q", secret)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	find := func(section, item string) []string {
		for _, r := range rows {
			if r[0] == section && r[3] == item {
				return r
			}
		}
		return nil
	}
	if r := find("duty.log.figures", "duty.fig.total"); r == nil || r[4] != "4" {
		t.Errorf("total row %v", r)
	}
	if r := find("duty.log.figures", "duty.fig.ratings"); r == nil || r[4] != "3" || r[5] != "3.67" {
		t.Errorf("ratings row %v", r)
	}
	if r := find("duty.log.alarms", "duty.alarm.tamper"); r == nil || r[2] != "K1" || r[4] != "duty.alarm.unacked" {
		t.Errorf("tamper row %v", r)
	}
	if r := find("duty.log.help", "duty.help.resolved"); r == nil || r[4] != "欧**" || !strings.Contains(r[5], "4104**********123X") {
		t.Errorf("help row %v", r)
	}
	if r := find("duty.log.notes", "zhang"); r == nil || !strings.Contains(r[5], "反映2号机卡纸") || !strings.Contains(r[5], "4104**********123X") {
		t.Errorf("note row %v", r)
	}
}

func TestMaskIDs(t *testing.T) {
	for in, want := range map[string]string{
		"41040219800101123X":        "4104**********123X",
		"号码410402198001011234。":     "号码4104**********1234。",
		"old 410402800101123 card":  "old 4104*******1123 card",
		"CAN410080052601 foreigner": "CAN4*******2601 foreigner",
		"ticket A023, 3 kiosks":     "ticket A023, 3 kiosks",
		"phone 13812345678":         "phone 13812345678",
	} {
		if got := MaskIDs(in); got != want {
			t.Errorf("MaskIDs(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := NewNote("2026-12-01", "z", "", t0); !errors.Is(err, ErrNote) {
		t.Errorf("empty note: %v", err)
	}
	if _, err := NewNote("yesterday", "z", "x", t0); !errors.Is(err, ErrNote) {
		t.Errorf("note of a bad day: %v", err)
	}
	if _, err := NewNote("2026-12-01", "z", strings.Repeat("字", MaxNote+1), t0); !errors.Is(err, ErrNote) {
		t.Errorf("long note: %v", err)
	}
}

func TestNewNotice(t *testing.T) {
	ok := hallapi.Text{ZH: "元旦假期安排"}
	for _, c := range []struct {
		name        string
		title, text hallapi.Text
		start, end  time.Time
	}{
		{"no title", hallapi.Text{EN: "only English"}, hallapi.Text{}, t0, t0.Add(time.Hour)},
		{"title too long", hallapi.Text{ZH: strings.Repeat("长", MaxNoticeTitle+1)}, hallapi.Text{}, t0, t0.Add(time.Hour)},
		{"text too long", ok, hallapi.Text{EN: strings.Repeat("x", MaxNoticeText+1)}, t0, t0.Add(time.Hour)},
		{"ends before it starts", ok, hallapi.Text{}, t0, t0.Add(-time.Hour)},
		{"ended already", ok, hallapi.Text{}, t0.Add(-2 * time.Hour), t0.Add(-time.Hour)},
	} {
		if _, err := NewNotice(c.title, c.text, c.start, c.end, "zhang", t0); !errors.Is(err, ErrNotice) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	n, err := NewNotice(hallapi.Text{ZH: "  元旦假期安排 "}, hallapi.Text{ZH: "1月1日至3日自助终端照常服务"}, t0, t0.Add(72*time.Hour), "zhang", t0)
	if err != nil || n.ID == "" || n.Title.ZH != "元旦假期安排" || n.By != "zhang" || !n.Written.Equal(t0) {
		t.Fatalf("NewNotice = %+v %v", n, err)
	}
}

// TestChartsAreSVG: the charts are well-formed XML with a bar per non-zero value and a
// label escaped, never markup.
func TestChartsAreSVG(t *testing.T) {
	bars := BarChart(`ratings <script>`, []string{"1", "2", "<b>3</b>"}, []Series{{Name: "a", Values: []float64{1, 0, 7}}, {Name: "b&c", Values: []float64{2, 3, math.NaN()}}})
	line := LineChart("trend", []string{"11-25", "11-26", "11-27"}, []Series{{Name: "mean", Values: []float64{4.5, math.NaN(), 3}}}, 5)
	for name, svg := range map[string]string{"bars": string(bars), "line": string(line)} {
		dec := xml.NewDecoder(strings.NewReader(svg))
		rects, circles, paths := 0, 0, 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not XML: %v\n%s", name, err, svg)
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch se.Name.Local {
				case "rect":
					rects++
				case "circle":
					circles++
				case "path":
					paths++
				case "script", "b":
					t.Fatalf("%s: markup from a label: %s", name, svg)
				}
			}
		}
		switch name {
		case "bars": // 4 bars and 2 legend swatches
			if rects != 6 {
				t.Errorf("bars: %d rects", rects)
			}
		case "line": // two points, the gap splits the line into two moves
			if circles != 2 || paths != 1 || !strings.Contains(svg, "M") || strings.Count(svg, "d=\"M") != 1 {
				t.Errorf("line: %d circles %d paths\n%s", circles, paths, svg)
			}
		}
	}
	if s := niceStep(0.3); s != 1 {
		t.Errorf("niceStep(0.3) = %v", s)
	}
	if s := niceStep(13); s != 20 {
		t.Errorf("niceStep(13) = %v", s)
	}
}

func TestBuildStatsTrend(t *testing.T) {
	s := openStore(t)
	dayOf(t, s)
	day, _, _ := hall.HallDay(t0)
	st, err := BuildStats(context.Background(), s, day, words)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Days) != TrendDays || st.Days[TrendDays-1] != "12-01" || math.Abs(st.Means[TrendDays-1]-11.0/3) > 1e-9 ||
		st.Means[TrendDays-3] != 1 || !math.IsNaN(st.Means[0]) {
		t.Fatalf("trend %v %v", st.Days, st.Means)
	}
	if st.Figures.Total != 4 || !strings.Contains(string(st.Workload), "duty.service.vat_return") {
		t.Fatalf("stats %+v", st.Figures)
	}
}
