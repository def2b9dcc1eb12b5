package notices

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/boltfile/bolttest"
	"taxkiosk/kiosk/hallapi"
)

var t0 = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

func TestCacheSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notices.db")
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if ns, at, err := c.Current(t0); err != nil || len(ns) != 0 || !at.IsZero() {
		t.Fatalf("empty cache: %+v %v %v", ns, at, err)
	}
	list := []hallapi.Notice{
		{ID: "later", Title: hallapi.Text{ZH: "明日停电"}, Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)},
		{ID: "now", Title: hallapi.Text{ZH: "办税指南", EN: "Filing guide"}, Start: t0.Add(-time.Hour), End: t0.Add(time.Hour)},
		{ID: "also", Title: hallapi.Text{ZH: "发票新规"}, Start: t0.Add(-2 * time.Hour), End: t0.Add(time.Minute)},
	}
	if err := c.SetNotices(list, t0); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c, err = Open(path) // the hall is unreachable after a restart: the list is still there
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ns, at, err := c.Current(t0)
	if err != nil || len(ns) != 2 || ns[0].ID != "also" || ns[1].ID != "now" || ns[1].Title.EN != "Filing guide" || !at.Equal(t0) {
		t.Fatalf("current at t0 = %+v %v %v", ns, at, err)
	}
	if ns, _, _ := c.Current(t0.Add(90 * time.Minute)); len(ns) != 1 || ns[0].ID != "later" {
		t.Fatalf("current later = %+v", ns)
	}
	if err := c.SetNotices(nil, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ns, _, _ := c.Current(t0); len(ns) != 0 {
		t.Fatalf("after the hall withdrew them all: %+v", ns)
	}
}

// TestDamagedFile: a damaged page is ErrCorrupt at Open, never a crash; the kiosk then runs
// without notices.
func TestDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notices.db")
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var many []hallapi.Notice
	for i := 0; i < 200; i++ {
		many = append(many, hallapi.Notice{ID: string(rune('a' + i%26)), Title: hallapi.Text{ZH: "公告"}, Start: t0, End: t0.Add(time.Hour)})
	}
	if err := c.SetNotices(many, t0); err != nil {
		t.Fatal(err)
	}
	c.Close()
	bolttest.CorruptLeaf(t, path)
	if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open(damaged) = %v, want ErrCorrupt", err)
	}
}
