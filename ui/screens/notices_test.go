package screens

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallapi"
)

// heldNotices is the kiosk's copy of the hall's notices, as the idle screen reads it.
type heldNotices []hallapi.Notice

func (h heldNotices) Current(now time.Time) ([]hallapi.Notice, time.Time, error) {
	var out []hallapi.Notice
	for _, n := range h {
		if n.Current(now) {
			out = append(out, n)
		}
	}
	return out, now, nil
}

// TestIdleRotatesNotices: the idle screen shows the hall's current notices one at a time,
// in the kiosk's language, moves on after noticeEvery, and no taxpayer screen shows them.
func TestIdleRotatesNotices(t *testing.T) {
	h := newHarness(t)
	h.app.SetAnnouncements(heldNotices{
		{ID: "a", Title: hallapi.Text{ZH: "元旦假期办税安排", EN: "New Year holiday hours"}, Text: hallapi.Text{ZH: "1月1日至3日自助终端照常服务。", EN: "Kiosks serve as usual."},
			Start: fixedNow.Add(-time.Hour), End: fixedNow.Add(time.Hour)},
		{ID: "b", Title: hallapi.Text{ZH: "发票新规解读"}, Text: hallapi.Text{ZH: "数电发票自12月起全面推行。"},
			Start: fixedNow.Add(-time.Hour), End: fixedNow.Add(time.Hour)},
		{ID: "later", Title: hallapi.Text{ZH: "明日停电通知"}, Start: fixedNow.Add(time.Hour), End: fixedNow.Add(2 * time.Hour)},
	})
	txt := h.text()
	if !strings.Contains(txt, "公告 1/2 · 元旦假期办税安排") || !strings.Contains(txt, "1月1日至3日自助终端照常服务。") || strings.Contains(txt, "明日停电") {
		t.Fatalf("idle screen without the first notice:\n%s", txt)
	}
	h.tap("common.lang_switch")
	if txt := h.text(); !strings.Contains(txt, "Notice 1/2 · New Year holiday hours") {
		t.Fatalf("English idle screen:\n%s", txt)
	}
	h.tap("common.lang_switch")
	h.app.Tick() // the rotation starts counting
	h.app.ann.since = fixedNow.Add(-noticeEvery)
	h.app.Tick()
	if txt := h.text(); !strings.Contains(txt, "公告 2/2 · 发票新规解读") {
		t.Fatalf("after %v the next notice:\n%s", noticeEvery, txt)
	}
	shot(t, h, "idle_notice_zh")
	h.demo.PlaceCard("resident-male")
	pumpUntil[desk.SessionStarted](h)
	h.waitScreen(ScreenWelcome)
	h.app.ann.since = fixedNow.Add(-noticeEvery)
	h.app.Tick()
	if txt := h.text(); strings.Contains(txt, "发票新规") || strings.Contains(txt, "元旦") || strings.Contains(txt, "公告") {
		t.Fatalf("a notice over the taxpayer's screen:\n%s", txt)
	}
}

// shot keeps the screen as a test artefact under $STAFF_SHOTS, when set.
func shot(t *testing.T, h *harness, name string) {
	dir := os.Getenv("STAFF_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h.win.Canvas().Capture()
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, h.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
