package screens

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"taxkiosk/kiosk/desk"
)

// BenchmarkTapToNextScreen measures, for each screen change a taxpayer makes by a tap, the
// time from the tap to the next screen built and laid out ("built"), and to its pixels drawn
// by Fyne's software painter at 1280×800 ("painted": an upper bound, since the kiosk paints
// with OpenGL). Work that waits on disk or devices runs off the UI thread and is not part
// of it. Run:
//
//	go test ./ui/screens -run '^$' -bench TapToNextScreen -benchtime 200x
func BenchmarkTapToNextScreen(b *testing.B) {
	h := newHarnessTuned(b, nil, nil)
	h.app.SetNetwork(NetState{Online: true})
	steps := []struct {
		name       string
		from       Screen
		tap, undo  string // the measured tap; the tap that returns, not measured
		to         Screen
		identified bool
	}{
		{"idle→queue", ScreenIdle, "queue.button", "common.back", ScreenQueue, false},
		{"welcome→filer", ScreenWelcome, "service.vat.title", "common.back", ScreenFiler, true},
		{"filer→vat", ScreenFiler, "filer.self", "common.back", ScreenVAT, true},
		{"vat→confirm", ScreenVAT, "vat.next", "common.back", ScreenConfirm, true},
		{"welcome→certificates", ScreenWelcome, "service.cert.title", "common.back", ScreenCert, true},
		{"welcome→invoice collection", ScreenWelcome, "service.invoice.title", "common.back", ScreenInvoiceEnt, true},
		{"welcome→tax payment", ScreenWelcome, "service.pay.title", "common.back", ScreenPayEnt, true},
		{"language switch", ScreenWelcome, "common.lang_switch", "common.lang_switch", ScreenWelcome, true},
		{"large text", ScreenWelcome, "common.large_text", "common.normal_text", ScreenWelcome, true},
	}
	identified := false
	for _, s := range steps {
		if s.identified && !identified {
			if err := h.demo.PlaceCard("resident-male"); err != nil {
				b.Fatal(err)
			}
			pumpUntil[desk.SessionStarted](h)
			identified = true
		}
		for _, painted := range []bool{false, true} {
			h.reach(s.from)
			name := s.name + "/built"
			if painted {
				name = s.name + "/painted"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					tap := h.app.Button(s.tap)
					if tap == nil {
						b.Fatalf("screen %s has no %q", h.app.Screen(), s.tap)
					}
					test.Tap(tap)
					if painted {
						h.win.Canvas().Capture()
					}
					if h.app.Screen() != s.to {
						b.Fatalf("tap %q led to %s, want %s", s.tap, h.app.Screen(), s.to)
					}
					b.StopTimer()
					test.Tap(h.app.Button(s.undo))
					b.StartTimer()
				}
			})
		}
	}
}

// reach goes home (the service menu, or idle with nobody identified) and walks to s.
func (h *harness) reach(s Screen) {
	h.t.Helper()
	h.app.goHome()
	path := map[Screen][]string{
		ScreenFiler: {"service.vat.title"},
		ScreenVAT:   {"service.vat.title", "filer.self"},
	}[s]
	for _, key := range path {
		test.Tap(h.app.Button(key))
	}
	if h.app.Screen() != s {
		h.t.Fatalf("reached %s, want %s", h.app.Screen(), s)
	}
}
