package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/desk"
)

// TestReprintWaitsForPaper (issue 12): while the paper is out, the welcome screen lists the
// unprinted receipt but its 补打回执 is disabled; with paper it is offered; a reprint the
// printer fails is told as a failure, in the danger colour with the printer's words, and
// the button waits again.
func TestReprintWaitsForPaper(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.demo.PlaceCard("resident-male")
	pumpUntil[desk.SessionStarted](h)
	if err := h.demo.SetPaper("end"); err != nil {
		t.Fatal(err)
	}
	h.tap("service.vat.title")
	h.tap("filer.self")
	h.tap("vat.next")
	h.tap("confirm.submit")
	h.waitScreen(ScreenResult)
	h.tap("common.home")
	h.waitScreen(ScreenWelcome)
	if b := h.app.Button("history.reprint"); b == nil || !b.Disabled() {
		t.Fatalf("reprint offered while the paper is out:\n%s", h.text())
	}

	h.demo.SetPaper("ok")
	for b := h.app.Button("history.reprint"); b != nil && b.Disabled(); b = h.app.Button("history.reprint") {
		pumpUntil[desk.ServicesChanged](h) // the desk sees the paper back; the screen redraws
	}
	if b := h.app.Button("history.reprint"); b == nil || b.Disabled() {
		t.Fatalf("no reprint offered with paper loaded:\n%s", h.text())
	}

	// The roll runs out in the middle of the reprint.
	if err := h.demo.SetPrinterFault("paper-out-after=10"); err != nil {
		t.Fatal(err)
	}
	h.tap("history.reprint")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(h.text(), "回执未能打印") {
		if time.Now().After(deadline) {
			t.Fatalf("no reprint failure:\n%s", h.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(h.text(), "打印机缺纸") || h.app.bannerTone != widget.DangerImportance {
		t.Fatalf("reprint failure shown as %v:\n%s", h.app.bannerTone, h.text())
	}
	if b := h.app.Button("history.reprint"); b == nil || !b.Disabled() {
		t.Fatalf("reprint offered again while the paper is out:\n%s", h.text())
	}
}
