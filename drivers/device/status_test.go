package device

import (
	"errors"
	"testing"
	"time"
)

func TestMonitorNotifiesChangesOnly(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	m := NewMonitor("printer", func() time.Time { return now })
	c, stop := m.Subscribe()
	defer stop()

	m.Update(func(s *Status) { s.State = Online; s.Paper = PaperFull })
	if got := <-c; got.State != Online || got.Paper != PaperFull {
		t.Fatalf("first change: %+v", got)
	}
	m.Count("receipts", 1) // counters alone do not wake subscribers
	m.Update(func(s *Status) {})
	select {
	case s := <-c:
		t.Fatalf("no change, yet notified: %+v", s)
	default:
	}
	now = now.Add(time.Minute)
	m.Fail(UserError, "paper_out", "DLE EOT 4=0x72", errors.New("paper end"))
	got := <-c
	if got.State != UserError || got.LastError.Code != "paper_out" || !got.Since.Equal(now) {
		t.Fatalf("after failure: %+v", got)
	}
	if got.Counters["receipts"] != 1 {
		t.Fatalf("counters: %v", got.Counters)
	}
}

func TestSlowSubscriberGetsLatest(t *testing.T) {
	m := NewMonitor("scanner", nil)
	c, stop := m.Subscribe()
	defer stop()
	m.Update(func(s *Status) { s.State = Online })
	m.Update(func(s *Status) { s.State = Offline })
	m.Update(func(s *Status) { s.State = NoDevice })
	if got := <-c; got.State != NoDevice {
		t.Fatalf("got %s, want the latest state", got.State)
	}
}
