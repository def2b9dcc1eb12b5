package screens

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"taxkiosk/assets"
	"taxkiosk/drivers/mask"
	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/certificate"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/history"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
	kt "taxkiosk/ui/theme"
)

// fakeDesk is an in-process core for tests of the screens alone: a taxpayer who acts for the
// demo registry's enterprises, every service open, and answers that come back at once.
// Facilities, services and history are fields a test sets.
type fakeDesk struct {
	person     *session.Person
	ents       []hallapi.Enterprise
	services   []desk.Availability
	facilities []desk.FacilityState
	history    []history.Item
	oos        string
}

func newFakeDesk() *fakeDesk {
	p := session.Person{MaskedName: mask.Name("张建国"), MaskedID: mask.ID("410403196804153016"), CardType: "resident"}
	return &fakeDesk{
		person: &p,
		ents:   registry.Demo().Lookup("410403196804153016"),
		services: []desk.Availability{{Service: desk.ServiceVAT, Available: true}, {Service: desk.ServiceInvoice, Available: true},
			{Service: desk.ServicePayment, Available: true}, {Service: desk.ServiceCertificate, Available: true}},
	}
}

func (d *fakeDesk) Touch()                   {}
func (d *fakeDesk) Remaining() time.Duration { return 90 * time.Second }
func (d *fakeDesk) Person() (session.Person, bool) {
	if d.person == nil {
		return session.Person{}, false
	}
	return *d.person, true
}
func (d *fakeDesk) EndSession(session.EndReason)                           {}
func (d *fakeDesk) KeepSession()                                           {}
func (d *fakeDesk) NoteScreen(string, string)                              {}
func (d *fakeDesk) EnterMaintenance(context.Context, string, string) error { return nil }
func (d *fakeDesk) ExitMaintenance(context.Context)                        {}
func (d *fakeDesk) CallHelp(context.Context, string) (string, error)       { return "1", nil }
func (d *fakeDesk) Services() []desk.Availability                          { return d.services }
func (d *fakeDesk) Enterprises() []hallapi.Enterprise                      { return d.ents }
func (d *fakeDesk) EnterprisesCachedAt() time.Time                         { return time.Time{} }
func (d *fakeDesk) OutOfService() string                                   { return d.oos }
func (d *fakeDesk) InMaintenance() bool                                    { return false }
func (d *fakeDesk) AwaitTechnician(bool)                                   {}
func (d *fakeDesk) Facilities() []desk.FacilityState                       { return d.facilities }

// The services stand in for the kiosk's, answering at once from the fake desk's state.
type (
	fakeFiling      struct{ *fakeDesk }
	fakeInvoice     struct{ *fakeDesk }
	fakePayment     struct{ *fakeDesk }
	fakeCertificate struct{ *fakeDesk }
	fakeQueue       struct{ *fakeDesk }
	fakeRating      struct{ *fakeDesk }
	fakeScan        struct{ *fakeDesk }
	fakeHistory     struct{ *fakeDesk }
)

func (d *fakeDesk) ports() Services {
	return Services{Filing: fakeFiling{d}, Invoice: fakeInvoice{d}, Payment: fakePayment{d}, Certificate: fakeCertificate{d},
		Queue: fakeQueue{d}, Rating: fakeRating{d}, Scan: fakeScan{d}, History: fakeHistory{d}}
}

func (d fakeCertificate) List() []certificate.Item                     { return d.certificates() }
func (fakeRating) Rate(context.Context, int, []string, txn.Kind) error { return nil }
func (d fakeHistory) List() []history.Item                             { return d.history }
func (fakeHistory) Reprint(context.Context, string) (string, error)    { return "", nil }
func (fakeFiling) Threshold(vatreturn.Return) money.Amount             { return money.Amount(10000000) }
func (fakeFiling) Admits(vatreturn.Return) error                       { return nil }
func (d fakePayment) Items(code string) []payment.Item                 { return d.payable(code) }
func (fakeQueue) Take(context.Context, string, i18n.Lang) (queue.Ticket, error) {
	return queue.Ticket{Number: "B001"}, nil
}
func (fakeScan) Verify(context.Context, *scanner.Invoice) (scan.Verification, error) {
	return scan.Verification{}, nil
}
func (fakeCertificate) Print(context.Context, string, string, i18n.Lang) (string, error) {
	return "", nil
}
func (fakeFiling) Draft() vatreturn.Return {
	r := vatreturn.Zero(vatreturn.CurrentPeriod(vatreturn.Monthly, fixedNow))
	r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), r.Period))
	return r
}
func (fakeFiling) Compute(r vatreturn.Return) (vatreturn.Return, error) {
	err := r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), r.Period))
	return r, err
}
func (fakeFiling) Submit(context.Context, vatreturn.Return, i18n.Lang) (counter.Outcome, error) {
	return counter.Outcome{Kind: txn.KindVATReturn, Seq: 1, Printed: true}, nil
}
func (fakeInvoice) Collect(context.Context, string, string, int, i18n.Lang) (counter.Outcome, error) {
	return counter.Outcome{Kind: txn.KindInvoiceCollection, Seq: 1, Printed: true}, nil
}
func (fakePayment) Pay(context.Context, string, []string, i18n.Lang) (counter.Outcome, error) {
	return counter.Outcome{Kind: txn.KindTaxPayment, Seq: 1, Printed: true}, nil
}

func (d *fakeDesk) certificates() []certificate.Item {
	var out []certificate.Item
	for _, e := range d.ents {
		for _, c := range e.Certificates {
			out = append(out, certificate.Item{Enterprise: e, Certificate: c})
		}
	}
	return out
}

func (d *fakeDesk) payable(code string) []payment.Item {
	var out []payment.Item
	for _, e := range d.ents {
		if e.CreditCode != code {
			continue
		}
		for _, it := range e.Outstanding {
			if b, ok := payment.Bill(e, []string{it.ID}, fixedNow); ok && len(b.Lines) == 1 {
				out = append(out, payment.Item{Line: b.Lines[0]})
			}
		}
	}
	return out
}

// newFakeApp is the App on a fake desk, in a test app of its own with the kiosk's theme,
// answering at once and on the test's goroutine.
func newFakeApp(t *testing.T) (*App, *fakeDesk) {
	t.Helper()
	a := test.NewTempApp(t)
	th := kt.New()
	a.Settings().SetTheme(th)
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	d := newFakeDesk()
	return New(d, d.ports(), cat, th, Opts{Now: func() time.Time { return fixedNow }, Do: func(f func()) { f() }}), d
}

// The outputs the kiosk is installed on: a 720p panel (the idle screen was cut there, under
// cage), the usual 1280×800 and a full HD one.
var outputs = []fyne.Size{{Width: 1280, Height: 720}, {Width: 1280, Height: 800}, {Width: 1920, Height: 1080}}

// TestEveryScreenFits lays every taxpayer screen out in both languages and both text sizes
// on each output and fails when its content needs more than the window (what does not fit
// is cut, at the top under cage, the idle screen's prompt, or at the bottom: Back, Home,
// Finish), or when one text is drawn over another or out of its window or its button
// (checkTexts). With KIOSK_SHOTS set to a directory it leaves there a PNG of each, named
// output-language-size-screen.png, for a person to look at (./build.sh shots).
func TestEveryScreenFits(t *testing.T) {
	app, d := newFakeApp(t)
	w := test.NewTempWindow(t, app.Content())
	jianguo := d.ents[0]
	for _, e := range d.ents {
		if e.CreditCode == registry.JianguoHardware {
			jianguo = e
		}
	}
	var allItems []string
	for _, it := range jianguo.Outstanding {
		allItems = append(allItems, it.ID)
	}
	inv := &scanner.Invoice{TypeCode: "01", TypeName: "增值税专用发票", InvoiceCode: "4100224130", InvoiceNumber: "12345678",
		Date: "20261120", Amount: "1130.00", CheckCode: "12345678901234567890", Valid: true}
	screens := []struct {
		name  string
		setUp func()
	}{
		{"idle", func() { d.person = nil; app.show(ScreenIdle) }},
		{"idle_notice", func() {
			d.person = nil
			d.facilities = []desk.FacilityState{{Facility: desk.FacilityQueue, ReasonKey: "queue.offline"}}
			app.cardLeft, app.notice = true, "idle.ended.idle"
			app.show(ScreenIdle)
		}},
		{"idle_reader_down", func() {
			d.facilities = []desk.FacilityState{{Facility: desk.FacilityIdentify, ReasonKey: "service.blocked.reader"},
				{Facility: desk.FacilityQueue, ReasonKey: "queue.offline"}}
			app.notice = "idle.ended.finished"
			app.show(ScreenIdle)
		}},
		{"idle_help_called", func() {
			d.facilities, app.notice, app.cardLeft = nil, "", false
			app.show(ScreenIdle)
			app.banner = words{"help.called", []any{"number", "00000001"}} // stays until the next screen
		}},
		{"idle_out_of_service", func() { d.facilities, d.oos = nil, "service.blocked.paper_out"; app.show(ScreenIdle) }},
		{"welcome", func() {
			d.oos, app.notice, app.cardLeft = "", "", false
			p, _ := newFakeDesk().Person()
			d.person, app.person = &p, p
			d.history = []history.Item{
				{TxnID: "a", Number: "00000003", Kind: txn.KindVATReturn, State: txn.Rejected, Code: hallapi.ResultTaxMismatch, Message: "4000.00", AcceptedAt: fixedNow, Unprinted: true},
				{TxnID: "b", Number: "00000002", Kind: txn.KindInvoiceCollection, State: txn.Approved, Code: hallapi.ResultAccepted, AcceptedAt: fixedNow},
				{TxnID: "c", Number: "00000001", Kind: txn.KindTaxPayment, State: txn.Queued, AcceptedAt: fixedNow},
			}
			app.show(ScreenWelcome)
		}},
		{"welcome_senior", func() {
			app.person.Senior = true
			app.show(ScreenWelcome)
		}},
		{"welcome_reasons", func() {
			app.person.Senior = false
			d.services = []desk.Availability{{Service: desk.ServiceVAT, ReasonKey: "service.blocked.paper_out"}, {Service: desk.ServiceInvoice, Available: true},
				{Service: desk.ServicePayment, ReasonKey: "policy.offline_too_long"}, {Service: desk.ServiceCertificate, ReasonKey: "policy.offline_too_long"}}
			app.show(ScreenWelcome)
		}},
		{"filer", func() {
			app.vat.draft = fakeFiling{d}.Draft()
			app.vat.edit = vatEdit{field: fieldSales}
			app.show(ScreenFiler)
		}},
		{"code", func() {
			app.vat.code = codeEdit{text: "91350100M000100Y44", errKey: "code.bad_check"}
			app.show(ScreenCode)
		}},
		{"vat", func() { app.vat.edit.bad = true; app.show(ScreenVAT) }},
		{"confirm_risk", func() {
			app.vat.ent = &d.ents[len(d.ents)-1]
			app.vat.draft.TaxPayable, app.vat.draft.Zero = money.Amount(120001), false
			app.vat.ent.Reminders = append(app.vat.ent.Reminders, hallapi.RiskReminder{Code: "R1", Message: hallapi.Text{ZH: "连续三个月零申报", EN: "Three months of zero returns in a row"}})
			app.show(ScreenConfirm)
		}},
		{"submitting", func() { app.show(ScreenSubmitting) }},
		{"result", func() {
			app.outcome = counter.Outcome{TxnID: "a", Kind: txn.KindVATReturn, Seq: 3, Delivered: true, PrintKey: "printer.paper_out",
				Owed: &counter.Owed{Amount: money.Amount(120001), Due: "2026-12-15", CreditCode: registry.JianguoHardware, ItemIDs: allItems[:1]}}
			app.show(ScreenResult)
		}},
		{"error", func() { app.errKey = "error.no_session"; app.show(ScreenError) }},
		{"scan_invoice", func() { app.scan.view = scan.View{Kind: scan.KindInvoice, Invoice: inv}; app.show(ScreenScan) }},
		{"scan_receipt", func() {
			app.scan.view = scan.View{Kind: scan.KindReceipt, Receipt: &scan.ReceiptView{Number: "00000001", Kind: txn.KindVATReturn,
				State: txn.Rejected, Code: hallapi.ResultTaxMismatch, Message: "4000.00", AcceptedAt: fixedNow}}
			app.show(ScreenScan)
		}},
		{"queue", func() { app.show(ScreenQueue) }},
		{"ticket_unprinted", func() {
			app.ticket = &takenTicket{business: queue.Businesses()[2], Ticket: queue.Ticket{Number: "C123", Waiting: 12, PrintKey: "printer.cover_open"}}
			app.show(ScreenTicket)
		}},
		{"scan_help", func() { app.show(ScreenScanHelp) }},
		{"cert", func() { app.show(ScreenCert) }},
		{"invoice_enterprises", func() { app.inv.start() }},
		{"invoice_types", func() { app.inv.invoiceEdit = invoiceEdit{ent: &jianguo}; app.show(ScreenInvoiceType) }},
		{"invoice_quantity", func() {
			app.inv.typ, app.inv.qty, app.inv.over = jianguo.Approvals[0].TypeCode, "2", true
			app.show(ScreenInvoiceQty)
		}},
		{"invoice_confirm", func() { app.show(ScreenInvoiceConfirm) }},
		{"invoice_result", func() {
			app.outcome = counter.Outcome{Kind: txn.KindInvoiceCollection, Seq: 4, PrintKey: "printer.paper_out"}
			app.show(ScreenInvoiceResult)
		}},
		{"pay_enterprises", func() { app.pay.start() }},
		{"pay_items", func() {
			chosen := map[string]bool{}
			for _, id := range allItems {
				chosen[id] = true
			}
			app.pay.payEdit = payEdit{ent: &jianguo, chosen: chosen}
			app.show(ScreenPayItems)
		}},
		{"pay_confirm", func() { app.show(ScreenPayConfirm) }},
		{"pay_result", func() { app.show(ScreenPayResult) }},
		{"rate", func() {
			app.rate.rating = rating{level: 4, reasons: []string{"easy"}, service: txn.KindVATReturn, since: fixedNow}
			app.show(ScreenRate)
		}},
		{"card_lifted", func() {
			app.liftBy = fixedNow.Add(30 * time.Second)
			app.show(ScreenResult)
		}},
		// The question over the pages that must not scroll: it takes their keys' room.
		{"card_lifted_vat", func() { app.show(ScreenVAT) }},
		{"card_lifted_code", func() { app.show(ScreenCode) }},
		{"card_lifted_invoice_quantity", func() { app.show(ScreenInvoiceQty) }},
	}
	shots := os.Getenv("KIOSK_SHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	th := app.Theme()
	defer th.SetLargeText(false)
	for _, s := range screens {
		s.setUp()
		if app.Screen() == "" {
			t.Fatalf("%s: no screen", s.name)
		}
		for _, size := range outputs {
			w.Resize(size)
			for _, l := range i18n.Langs {
				for _, ts := range textSizes {
					app.SetLang(l)
					th.SetLargeText(ts == "large")
					app.render()
					// The window is padded, in the kiosk as in the test: the content gets the rest.
					room := w.Canvas().Size().SubtractWidthHeight(2*theme.Padding(), 2*theme.Padding())
					got := app.Content().MinSize()
					over := got.Width > room.Width || got.Height > room.Height
					key := fmt.Sprintf("%s/%s/%s/%v×%v", s.name, l, ts, size.Width, size.Height)
					checkBottomBar(t, app, app.Content().Size(), key)
					checkFigures(t, app.Content(), key)
					checkTexts(t, w.Canvas(), app.Content(), key)
					checkKeysStill(t, app, key)
					if over {
						t.Errorf("%s (%s) needs %v×%v", key, app.Screen(), got.Width, got.Height)
					}
					if shots != "" {
						name := fmt.Sprintf("%vx%v-%s-%s-%s.png", size.Width, size.Height, l, ts, s.name)
						writePNG(t, filepath.Join(shots, name), w.Canvas().Capture())
					}
				}
			}
			app.SetLang(i18n.ZH)
			th.SetLargeText(false)
		}
	}
}

// textSizes are the two text sizes a taxpayer can choose: every screen must fit in both.
var textSizes = []string{"normal", "large"}

// writePNG saves a screenshot for the walk (KIOSK_SHOTS).
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// Figures as the screens must not show them: an amount of four or more whole digits without
// thousands separators, a period in the hall's or another notation (kit's Period is the one
// form), and a line that starts with the unit its amount ended the line before.
var (
	bareAmount  = regexp.MustCompile(`(^|[^\d,.])\d{4,}\.\d\d`)
	otherPeriod = regexp.MustCompile(`(^|[^\d-])20\d\d-(Q\d|\d\d)([^-\d]|$)|(^|\D)\d{1,2}/20\d\d`)
	brokenUnit  = regexp.MustCompile(`^\s*(元|yuan\b)|¥\s*$`)
)

// checkFigures scans every text drawn on the page for figures not in the screens' one form.
func checkFigures(t *testing.T, page fyne.CanvasObject, name string) {
	t.Helper()
	var prev string // the line drawn before, for a code broken across two lines
	for _, o := range test.LaidOutObjects(page) {
		txt, ok := o.(*canvas.Text)
		if !ok || !txt.Visible() {
			continue
		}
		for _, re := range []*regexp.Regexp{bareAmount, otherPeriod, brokenUnit} {
			if m := re.FindString(txt.Text); m != "" {
				t.Errorf("%s: %q shows %q (%s)", name, txt.Text, m, re)
			}
		}
		if h, tl := codeTail.FindStringSubmatch(prev), codeHead.FindStringSubmatch(txt.Text); h != nil && tl != nil && len(h[2]+tl[1]) == 18 {
			t.Errorf("%s: the credit code %s is broken across lines (%q / %q)", name, h[2]+tl[1], prev, txt.Text)
		}
		prev = txt.Text
	}
}

// The end and the start of a line that together make an 18-character credit code: one
// broken where a wrapping label (Chinese wraps anywhere) ran out of width.
var (
	codeTail = regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9A-Z]{1,17})$`)
	codeHead = regexp.MustCompile(`^([0-9A-Z]{1,17})([^0-9A-Za-z]|$)`)
)
