package screens

import (
	"strings"
	"testing"

	"taxkiosk/kiosk/desk"
)

// TestOfflineLimitOnTheForm (issue 12): offline, a return whose tax is over the offline
// limit is refused on the form, before confirmation, with the limit in words; the form
// keeps what was typed, and a smaller return goes on to the confirmation.
func TestOfflineLimitOnTheForm(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := offlineHarness(t)
	h.demo.SetLink(false)
	h.waitFor("the sync loop noticed the cut link", func() bool { return !h.term.Link().Online })
	h.app.SetNetwork(NetState{Online: false})
	if err := h.demo.PlaceCard("resident-female"); err != nil {
		t.Fatal(err)
	}
	pumpUntil[desk.SessionStarted](h)
	h.tap("service.vat.title")
	h.tap("filer.self")
	for _, k := range strings.Split("9000000", "") { // 9,000,000.00 of sales
		h.tap("keypad." + k)
	}
	h.tap("vat.next")
	if h.app.Screen() != ScreenVAT || !strings.Contains(h.text(), "不超过 50000.00") {
		t.Fatalf("over the offline limit: screen %s:\n%s", h.app.Screen(), h.text())
	}
	if h.app.vat.draft.Sales.String() != "9000000.00" {
		t.Fatalf("the form lost its sales: %s", h.app.vat.draft.Sales)
	}
	h.tap("keypad.back") // 900,000.00: under the limit
	if strings.Contains(h.text(), "不超过 50000.00") {
		t.Fatalf("the refusal stays after the form changed:\n%s", h.text())
	}
	h.tap("vat.next")
	h.waitScreen(ScreenConfirm)
}
