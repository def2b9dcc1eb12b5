package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// Beat is a heartbeat of kiosk in service, received at.
func Beat(kiosk string, at time.Time) hall.Beat {
	return hall.Beat{ReceivedAt: at, Heartbeat: hallapi.Heartbeat{KioskID: kiosk, SentAt: at, State: hallapi.StateInService,
		Paper: hallapi.PaperOK, PaperLeft: 120, Version: "0.1.7",
		Devices: []hallapi.DeviceHealth{{Name: "printer", State: "online"}}}}
}

// RunFleet runs the hall.Fleet suite; open returns a new, empty store for each subtest,
// which must implement hall.Fleet. The subtests run in parallel, each on its own store: on
// PostgreSQL most of a subtest's time is creating and dropping its schema.
func RunFleet(t *testing.T, open func(t *testing.T) hall.Store) {
	ctx := context.Background()
	fleet := func(t *testing.T) hall.Fleet {
		f, ok := open(t).(hall.Fleet)
		if !ok {
			t.Fatal("store keeps no duty side (hall.Fleet)")
		}
		return f
	}
	oos := []hall.Condition{{Kind: hall.AlarmOutOfService, Detail: "printer_unavailable"}}
	t.Run("BeatsOpenAndEndIncidents", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		ch, err := f.PutBeat(ctx, Beat("K1", t0), oos)
		if err != nil || len(ch) != 1 || !ch[0].Open() || ch[0].Kind != hall.AlarmOutOfService || !ch[0].Start.Equal(t0) ||
			ch[0].Detail != "printer_unavailable" || ch[0].ID != hall.IncidentID("K1", hall.AlarmOutOfService, t0) {
			t.Fatalf("first beat out of service: %+v %v", ch, err)
		}
		if ch, err := f.PutBeat(ctx, Beat("K1", t0.Add(time.Minute)), oos); err != nil || len(ch) != 0 {
			t.Fatalf("second beat out of service changed %+v %v", ch, err)
		}
		f.PutBeat(ctx, Beat("K2", t0), nil)
		back := Beat("K1", t0.Add(2*time.Minute))
		back.Heartbeat.Version = "0.1.8"
		ch, err = f.PutBeat(ctx, back, nil)
		if err != nil || len(ch) != 1 || ch[0].Open() || !ch[0].End.Equal(back.ReceivedAt) || !ch[0].Start.Equal(t0) {
			t.Fatalf("beat back in service: %+v %v", ch, err)
		}
		bs, err := f.Beats(ctx)
		if err != nil || len(bs) != 2 || bs[0].Heartbeat.KioskID != "K1" || bs[0].Heartbeat.Version != "0.1.8" ||
			!bs[0].ReceivedAt.Equal(back.ReceivedAt) || len(bs[0].Heartbeat.Devices) != 1 {
			t.Fatalf("Beats = %+v %v", bs, err)
		}
		incs, err := f.Incidents(ctx, t0.Add(3*time.Minute))
		if err != nil || len(incs) != 0 {
			t.Fatalf("Incidents after it ended = %+v %v", incs, err)
		}
		if incs, _ := f.Incidents(ctx, t0.Add(2*time.Minute)); len(incs) != 1 {
			t.Fatalf("Incidents from its end = %+v", incs)
		}
	})
	t.Run("OpenOnceUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		var wg sync.WaitGroup
		opened := make([]int, 8)
		for g := range opened {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, err := f.PutBeat(ctx, Beat("K1", t0.Add(time.Duration(g)*time.Millisecond)), oos)
				if err != nil {
					t.Error(err)
				}
				opened[g] = len(ch)
			}()
		}
		wg.Wait()
		total := 0
		for _, n := range opened {
			total += n
		}
		incs, _ := f.Incidents(ctx, t0)
		if total != 1 || len(incs) != 1 {
			t.Fatalf("8 beats at once opened %d (reported %d), want 1", len(incs), total)
		}
	})
	t.Run("Silence", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		f.PutBeat(ctx, Beat("K1", t0), nil)
		f.PutBeat(ctx, Beat("K2", t0.Add(3*time.Minute)), nil)
		if got, err := f.Silence(ctx, t0.Add(4*time.Minute), 5*time.Minute); err != nil || len(got) != 0 {
			t.Fatalf("Silence before the quiet ran out: %+v %v", got, err)
		}
		got, err := f.Silence(ctx, t0.Add(6*time.Minute), 5*time.Minute)
		want := t0.Add(5 * time.Minute)
		if err != nil || len(got) != 1 || got[0].KioskID != "K1" || got[0].Kind != hall.AlarmSilent || !got[0].Start.Equal(want) ||
			got[0].ID != hall.IncidentID("K1", hall.AlarmSilent, want) {
			t.Fatalf("Silence after 6 min = %+v %v", got, err)
		}
		if got, _ := f.Silence(ctx, t0.Add(7*time.Minute), 5*time.Minute); len(got) != 0 {
			t.Fatalf("Silence again opened %+v", got)
		}
		ch, err := f.PutBeat(ctx, Beat("K1", t0.Add(8*time.Minute)), nil)
		if err != nil || len(ch) != 1 || ch[0].Kind != hall.AlarmSilent || !ch[0].End.Equal(t0.Add(8*time.Minute)) {
			t.Fatalf("the kiosk spoke again: %+v %v", ch, err)
		}
	})
	t.Run("Acknowledge", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		if ok, err := f.Acknowledge(ctx, hall.Ack{AlarmID: "i:K1/silent/1", By: "zhang", At: t0}); !ok || err != nil {
			t.Fatalf("first ack: %v %v", ok, err)
		}
		if ok, err := f.Acknowledge(ctx, hall.Ack{AlarmID: "i:K1/silent/1", By: "li", At: t0.Add(time.Minute)}); ok || err != nil {
			t.Fatalf("second ack: %v %v", ok, err)
		}
		if _, err := f.Acknowledge(ctx, hall.Ack{By: "li", At: t0}); !errors.Is(err, hall.ErrInvalid) {
			t.Fatalf("ack without alarm: %v", err)
		}
		as, err := f.Acks(ctx)
		if err != nil || len(as) != 1 || as[0].By != "zhang" || !as[0].At.Equal(t0) {
			t.Fatalf("Acks = %+v %v", as, err)
		}
	})
	t.Run("Notes", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		for _, n := range []hall.Note{{Day: "2026-11-30", At: t0, By: "zhang", Text: "早班交接：2号机缺纸已补"},
			{Day: "2026-12-01", At: t0.Add(24 * time.Hour), By: "li", Text: "next day"},
			{Day: "2026-11-30", At: t0.Add(time.Hour), By: "zhang", Text: "second"}} {
			if err := f.PutNote(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := f.Notes(ctx, "2026-11-30")
		if err != nil || len(ns) != 2 || ns[0].Text != "早班交接：2号机缺纸已补" || ns[1].Text != "second" || !ns[0].At.Equal(t0) {
			t.Fatalf("Notes = %+v %v", ns, err)
		}
		if err := f.PutNote(ctx, hall.Note{Text: "no day"}); !errors.Is(err, hall.ErrInvalid) {
			t.Fatalf("note without day: %v", err)
		}
	})
	t.Run("Notices", func(t *testing.T) {
		t.Parallel()
		f := fleet(t)
		mk := func(id string, start, end time.Time) hall.StoredNotice {
			return hall.StoredNotice{By: "zhang", Notice: hallapi.Notice{ID: id, Title: hallapi.Text{ZH: "公告 " + id, EN: "Notice " + id},
				Text: hallapi.Text{ZH: "正文"}, Start: start, End: end, Written: t0}}
		}
		for _, n := range []hall.StoredNotice{mk("b", t0.Add(time.Hour), t0.Add(48*time.Hour)), mk("a", t0, t0.Add(24*time.Hour)),
			mk("old", t0.Add(-48*time.Hour), t0.Add(-time.Hour)), mk("gone", t0, t0.Add(24*time.Hour))} {
			if err := f.PutNotice(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.PutNotice(ctx, mk("a", t0, t0.Add(time.Hour))); !errors.Is(err, hall.ErrInvalid) {
			t.Fatalf("second notice with one id: %v", err)
		}
		if err := f.WithdrawNotice(ctx, "gone", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := f.WithdrawNotice(ctx, "never", t0); !errors.Is(err, hall.ErrNotFound) {
			t.Fatalf("withdraw unknown: %v", err)
		}
		ns, err := f.Notices(ctx, t0)
		if err != nil || len(ns) != 2 || ns[0].ID != "a" || ns[1].ID != "b" || ns[0].Title.EN != "Notice a" || ns[0].By != "zhang" ||
			!ns[1].End.Equal(t0.Add(48*time.Hour)) {
			t.Fatalf("Notices = %+v %v", ns, err)
		}
	})
	t.Run("Between", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		f, _ := s.(hall.Fleet)
		if f == nil {
			t.Fatal("store keeps no duty side")
		}
		in1, in2, before, after := Entry("K1", "in1", 1), Entry("K1", "in2", 2), Entry("K1", "before", 3), Entry("K2", "after", 1)
		in2.Txn.CreatedAt = t0.Add(time.Hour)
		before.Txn.CreatedAt = t0.Add(-time.Second) // delivered late: received after the others
		after.Txn.CreatedAt = t0.Add(24 * time.Hour)
		in3 := Entry("K2", "in3", 2)
		in3.Txn.Kind = txn.KindRating
		in3.Txn.Taxpayer = nil
		s.PutBatch(ctx, "K1", []hall.Entry{in1, in2, before})
		s.PutBatch(ctx, "K2", []hall.Entry{after, in3})
		es, err := f.Between(ctx, t0, t0.Add(24*time.Hour))
		if err != nil || len(es) != 3 {
			t.Fatalf("Between = %+v %v", es, err)
		}
		for i, id := range []string{"in1", "in2", "in3"} {
			if es[i].Txn.ID != id || es[i].Txn.Taxpayer != nil || es[i].Result.State != txn.Approved {
				t.Fatalf("Between[%d] = %+v, want %s without taxpayer", i, es[i], id)
			}
		}
	})
}
