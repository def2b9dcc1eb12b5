package screens

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/txn"
)

// pictured reports whether the page shows the embedded picture name.
func pictured(o fyne.CanvasObject, name string) bool {
	switch o := o.(type) {
	case *canvas.Image:
		return o.Resource != nil && o.Resource.Name() == name
	case *fyne.Container:
		for _, c := range o.Objects {
			if pictured(c, name) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if pictured(c, name) {
				return true
			}
		}
	}
	return false
}

// TestScanIsOffered (issue 12): the idle screen and the service menu both offer 扫码查验 /
// 查进度; it opens a page with the picture of where the scan window is (drawn: its orange
// frame is on the screen) and what can be scanned, and a code scanned while it is open
// shows its result as any scan does. Back leads where the taxpayer came from.
func TestScanIsOffered(t *testing.T) {
	app, d := newFakeApp(t)
	w := test.NewTempWindow(t, app.Content())
	w.Resize(fyne.NewSize(1280, 800))
	p := *d.person
	d.person = nil
	app.show(ScreenIdle)
	for _, from := range []Screen{ScreenIdle, ScreenWelcome} {
		if from == ScreenWelcome {
			d.person = &p
			app.HandleEvent(desk.SessionStarted{Person: p})
		}
		b := app.Button("scan.tile.title")
		if b == nil || b.Disabled() {
			t.Fatalf("%s offers no scan: %v", from, b)
		}
		test.Tap(b)
		if app.Screen() != ScreenScanHelp {
			t.Fatalf("the scan tile on %s leads to %s", from, app.Screen())
		}
		for _, key := range []string{"scan.help.where", "scan.help.receipt", "scan.help.invoice"} {
			if !strings.Contains(markup(app), app.T(key)) {
				t.Fatalf("the scan page does not say %s:\n%s", key, markup(app))
			}
		}
		if !pictured(app.Content(), "scanwindow.svg") {
			t.Fatal("the scan page has no picture of the scan window")
		}
		if !painted(w.Canvas().Capture(), color.NRGBA{0xe8, 0xa3, 0x17, 0xff}) {
			t.Fatal("the picture's orange frame round the scan window is not drawn")
		}
		test.Tap(app.Button("common.back"))
		if app.Screen() != from {
			t.Fatalf("back from the scan page leads to %s, want %s", app.Screen(), from)
		}
	}

	test.Tap(app.Button("scan.tile.title"))
	app.HandleEvent(scan.Scanned{View: scan.View{Kind: scan.KindReceipt, Receipt: &scan.ReceiptView{Number: "00000042",
		Kind: txn.KindVATReturn, State: txn.Approved, AcceptedAt: fixedNow}}})
	if app.Screen() != ScreenScan || !strings.Contains(markup(app), "00000042") || !strings.Contains(markup(app), app.T("scan.state.approved")) {
		t.Fatalf("a receipt scanned on the scan page: screen %s:\n%s", app.Screen(), markup(app))
	}

	d.facilities = []desk.FacilityState{{Facility: desk.FacilityScan, ReasonKey: "service.blocked.scanner"}}
	app.goHome()
	if b := app.Button("scan.tile.title"); b == nil || !b.Disabled() {
		t.Fatalf("scan offered with the scanner down: %v", b)
	}
}

// painted reports whether some pixel of img is c, give or take the antialiasing.
func painted(img image.Image, c color.NRGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(p.R, c.R) && near(p.G, c.G) && near(p.B, c.B) {
				return true
			}
		}
	}
	return false
}

func near(a, b uint8) bool { return max(a, b)-min(a, b) <= 4 }
