package journal_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/journal"
)

// TestPaperCounter runs two rolls: the first was in before the kiosk counted, so its near-end
// teaches nothing; the second was inserted with PaperReplaced, so its near-end gives PerRoll.
func TestPaperCounter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openT(t, path, nil)
	if p, err := j.Paper(); err != nil || p != (journal.Paper{}) {
		t.Fatalf("fresh counter %+v %v", p, err)
	}
	for range 5 {
		if _, err := j.CountPrinted(1, false); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := j.CountPrinted(1, true)
	if p.Printed != 6 || !p.NearEnd || p.PerRoll != 0 {
		t.Fatalf("roll of unknown start: %+v", p)
	}

	at := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	if p, _ = j.PaperReplaced(at); p.Printed != 0 || p.NearEnd || !p.ReplacedAt.Equal(at) {
		t.Fatalf("after replacing: %+v", p)
	}
	for range 300 {
		j.CountPrinted(1, false)
	}
	j.CountPrinted(0, true) // a status poll sees near-end
	p, _ = j.CountPrinted(1, true)
	if p.Printed != 301 || p.PerRoll != 300 {
		t.Fatalf("learned %+v, want 300 per roll with 301 printed", p)
	}
	// Later near-ends on the same roll do not move what was learned.
	p, _ = j.CountPrinted(0, true)
	if p.PerRoll != 300 {
		t.Fatalf("relearned: %+v", p)
	}
	if _, err := j.CountPrinted(-1, false); !errors.Is(err, journal.ErrInvalid) {
		t.Fatalf("negative count: %v", err)
	}
	// A new roll keeps what the last one taught.
	j.PaperReplaced(at.Add(24 * time.Hour))
	p, _ = j.Paper()
	if p.Printed != 0 || p.PerRoll != 300 {
		t.Fatalf("new roll: %+v", p)
	}
}

func TestPaperCounterSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.PaperReplaced(time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC))
	j.CountPrinted(1, false)
	j.CountPrinted(1, false)
	j.Close()
	ro := openT(t, path, &journal.Opts{ReadOnly: true})
	if p, err := ro.Paper(); err != nil || p.Printed != 2 {
		t.Fatalf("after reopen: %+v %v", p, err)
	}
	if _, err := ro.PaperReplaced(time.Now()); !errors.Is(err, journal.ErrReadOnly) {
		t.Fatalf("read-only replace: %v", err)
	}
}

// BenchmarkCountPrinted is what the paper counter adds to every receipt printed: one durable
// bbolt write.
func BenchmarkCountPrinted(b *testing.B) {
	j, err := journal.Open(filepath.Join(b.TempDir(), "journal.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	for b.Loop() {
		if _, err := j.CountPrinted(1, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNearEndPoll is a status poll on a roll already near its end: a read, no write.
func BenchmarkNearEndPoll(b *testing.B) {
	j, err := journal.Open(filepath.Join(b.TempDir(), "journal.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	j.CountPrinted(1, true)
	for b.Loop() {
		if _, err := j.CountPrinted(0, true); err != nil {
			b.Fatal(err)
		}
	}
}
