package screens

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/history"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
	"taxkiosk/ui/kit"
	"taxkiosk/ui/techpages"
	kt "taxkiosk/ui/theme"
)

// where is a button's place on the window: its absolute top-left corner and size.
type where struct {
	pos  fyne.Position
	size fyne.Size
}

// places are where the page on show puts each of its buttons, by key.
func places(a *App) map[string]where {
	d := fyne.CurrentApp().Driver()
	out := map[string]where{}
	for _, k := range a.Keys() {
		b := a.Button(k)
		if b == nil || !b.Visible() {
			continue
		}
		out[k] = where{d.AbsolutePositionForObject(b), b.Size()}
	}
	return out
}

// checkBottomBar checks the one layout rule of the bottom bar (kit.GoesBack) on the page on
// show: what sits at the bottom left only goes back, and 结束办理 and 跳过 sit at the bottom
// right, so that two quick taps cannot end a visit.
func checkBottomBar(t *testing.T, a *App, page fyne.Size, name string) {
	t.Helper()
	bar := page.Height - kt.MinTouch - 4*kt.New().Size("padding") // the bar's buttons' tops lie below this
	scrolled := scrolledButtons(a.Content())
	for k, w := range places(a) {
		if w.pos.Y < bar || w.pos.Y+w.size.Height > page.Height || scrolled[a.Button(k)] {
			continue // not in the bottom bar: above it, or in a page that scrolls under it
		}
		mid := w.pos.X + w.size.Width/2
		switch {
		case mid < page.Width/2 && !kit.GoesBack(k):
			t.Errorf("%s: %q sits at the bottom left (x %v of %v): only Back, Home and Cancel may", name, k, w.pos.X, page.Width)
		case mid >= page.Width/2 && kit.GoesBack(k):
			t.Errorf("%s: %q sits at the bottom right (x %v of %v): going back belongs at the left", name, k, w.pos.X, page.Width)
		}
	}
}

// TestKeypadsStayPut shows each keypad with and without its message (an error, a warning,
// a button that comes with an error) at every output, in both languages, and fails when a
// key moves: the next tap would land on another key.
func TestKeypadsStayPut(t *testing.T) {
	app, d := newFakeApp(t)
	app.maint = techpages.New(app.Face, techHost{app}, techGate{d}, nil)
	w := test.NewTempWindow(t, app.Content())
	jianguo := d.ents[0]
	pads := []struct {
		name   string
		states []func() // each shows the pad in one state; the keys must be where the first put them
	}{
		{"code", []func(){
			func() { app.vat.code = codeEdit{text: "91350100M000100Y4"}; app.show(ScreenCode) },
			func() { app.vat.code.errKey = "code.bad_length"; app.render() },
			func() { app.vat.code.errKey = "code.bad_check"; app.render() },
			func() { app.vat.code.errKey = "code.bad_char"; app.render() },
		}},
		{"vat", []func(){
			func() {
				app.vat.draft = fakeFiling{d}.Draft()
				app.vat.edit = vatEdit{field: fieldSales}
				app.show(ScreenVAT)
			},
			func() { app.vat.edit.bad = true; app.render() },
		}},
		{"invoice_quantity", []func(){
			func() {
				app.inv.invoiceEdit = invoiceEdit{ent: &jianguo}
				app.inv.typ, app.inv.qty, app.inv.over = jianguo.Approvals[0].TypeCode, "2", false
				app.show(ScreenInvoiceQty)
			},
			func() { app.inv.over = true; app.render() },
		}},
		{"pin", []func(){
			func() { app.openPIN("door") },
			func() { app.maint.Answer(fmt.Errorf("pin: %w", &desk.WrongPINError{Left: 2})); app.render() },
		}},
	}
	for _, pad := range pads {
		for _, size := range outputs {
			w.Resize(size)
			for _, l := range i18n.Langs {
				app.SetLang(l)
				var first map[string]where
				for i, show := range pad.states {
					show()
					got := places(app)
					if i == 0 {
						first = got
						continue
					}
					for k, was := range first {
						if !isKey(k) {
							continue
						}
						if now, ok := got[k]; !ok || now != was {
							t.Errorf("%s/%s/%v×%v state %d: key %q moved from %v to %v", pad.name, l, size.Width, size.Height, i, k, was, now)
						}
					}
				}
				app.SetLang(i18n.ZH)
			}
		}
	}
}

// isKey says whether a button's key is a keypad's or keyboard's key.
func isKey(k string) bool {
	for _, p := range []string{"keypad.", "code.", "pin."} {
		if len(k) > len(p) && k[:len(p)] == p && k != "code.continue" && k != "code.ok" {
			return true
		}
	}
	return false
}

// TestOneKeypad checks that every numeric pad has kit's layout: 1-2-3 on top, 0 in the
// middle of the last row with backspace on its right, clear the wide key under them.
func TestOneKeypad(t *testing.T) {
	app, d := newFakeApp(t)
	app.maint = techpages.New(app.Face, techHost{app}, techGate{d}, nil)
	test.NewTempWindow(t, app.Content()).Resize(outputs[1])
	jianguo := d.ents[0]
	for _, pad := range []struct {
		name, prefix string
		show         func()
	}{
		{"vat", "keypad.", func() {
			app.vat.draft = vatreturn.Zero(vatreturn.CurrentPeriod(vatreturn.Monthly, fixedNow))
			app.vat.edit = vatEdit{field: fieldSales}
			app.show(ScreenVAT)
		}},
		{"invoice_quantity", "keypad.", func() {
			app.inv.invoiceEdit = invoiceEdit{ent: &jianguo}
			app.inv.typ, app.inv.qty = jianguo.Approvals[0].TypeCode, "1"
			app.show(ScreenInvoiceQty)
		}},
		{"pin", "pin.", func() { app.openPIN("door") }},
	} {
		pad.show()
		at := places(app)
		get := func(k string) where {
			w, ok := at[pad.prefix+k]
			if !ok {
				t.Fatalf("%s: no key %q", pad.name, pad.prefix+k)
			}
			return w
		}
		for r, row := range kit.KeypadRows {
			for c, k := range row {
				if k == "extra" {
					continue
				}
				w := get(k)
				if r > 0 && !(w.pos.Y > get(kit.KeypadRows[r-1][1]).pos.Y) {
					t.Errorf("%s: %q is not below row %d", pad.name, k, r)
				}
				if c > 0 && row[c-1] != "extra" && !(w.pos.X > get(row[c-1]).pos.X) {
					t.Errorf("%s: %q is not right of %q", pad.name, k, row[c-1])
				}
			}
		}
		if get("1").pos.Y >= get("7").pos.Y {
			t.Errorf("%s: 7-8-9 on top, want 1-2-3", pad.name)
		}
		if cl, zero := get("clear"), get("0"); cl.pos.Y <= zero.pos.Y || cl.size.Width < 2*zero.size.Width {
			t.Errorf("%s: clear at %v (%v wide) is not the wide key under 0 at %v", pad.name, cl.pos, cl.size.Width, zero.pos)
		}
	}
}

// TestTilesStayPut shows the service menu with no history and with three lines of it, and
// fails when a service tile moves: the tiles must be where the hand learnt them.
func TestTilesStayPut(t *testing.T) {
	app, d := newFakeApp(t)
	w := test.NewTempWindow(t, app.Content())
	p, _ := d.Person()
	app.person = p
	for _, size := range outputs {
		w.Resize(size)
		d.history = nil
		app.show(ScreenWelcome)
		before := places(app)
		d.history = []history.Item{
			{TxnID: "a", Number: "00000003", Kind: txn.KindVATReturn, State: txn.Rejected, Code: hallapi.ResultTaxMismatch, Message: "4000.00", AcceptedAt: fixedNow},
			{TxnID: "b", Number: "00000002", Kind: txn.KindInvoiceCollection, State: txn.Approved, Code: hallapi.ResultAccepted, AcceptedAt: fixedNow},
			{TxnID: "c", Number: "00000001", Kind: txn.KindTaxPayment, State: txn.Queued, AcceptedAt: fixedNow},
		}
		app.render()
		after := places(app)
		for _, k := range []string{"service.vat.title", "service.invoice.title", "service.pay.title", "service.cert.title"} {
			if before[k] != after[k] || before[k].size.Width == 0 {
				t.Errorf("%v×%v: tile %q at %v without history, at %v with it", size.Width, size.Height, k, before[k], after[k])
			}
		}
	}
}

// TestMenuRowsLevel: the two tiles of a service-menu row are as tall as each other when one
// subtitle wraps and the other does not (large text, either language), as long as no
// reason stands under one of them.
func TestMenuRowsLevel(t *testing.T) {
	app, d := newFakeApp(t)
	w := test.NewTempWindow(t, app.Content())
	p, _ := d.Person()
	app.person = p
	app.Theme().SetLargeText(true)
	defer app.Theme().SetLargeText(false)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		app.SetLang(lang)
		for _, size := range outputs {
			w.Resize(size)
			app.show(ScreenWelcome)
			at := places(app)
			for _, row := range [][2]string{{"service.vat.title", "service.invoice.title"}, {"service.pay.title", "service.cert.title"},
				{"scan.tile.title", "queue.button"}} {
				if a, b := at[row[0]].size.Height, at[row[1]].size.Height; a != b || a == 0 {
					t.Errorf("%s %v×%v: %s is %v tall, %s %v", lang, size.Width, size.Height, row[0], a, row[1], b)
				}
			}
		}
	}
	app.SetLang(i18n.ZH)
}
