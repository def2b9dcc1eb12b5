package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/txn"
)

// svcIdentify places persona's card and waits for the hall's list of their enterprises.
func (h *harness) svcIdentify(persona string) {
	h.t.Helper()
	if err := h.demo.PlaceCard(persona); err != nil {
		h.t.Fatal(err)
	}
	pumpUntil[desk.SessionStarted](h)
	pumpUntil[desk.EnterprisesLoaded](h)
	h.waitScreen(ScreenWelcome)
}

// svcOnline waits for the sync loop's first contact with the hall: the services that need
// the hall are offered from then on.
func (h *harness) svcOnline(online bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for h.term.Link().Online != online {
		if time.Now().After(deadline) {
			h.t.Fatalf("the sync loop never saw the link %s", map[bool]string{true: "up", false: "cut"}[online])
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.app.SetNetwork(NetState{Online: online})
}

// svcHallResult waits for the hall to store transaction id and decide it.
func (h *harness) svcHallResult(id string) txn.Result {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, err := h.demo.Hall.List(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		n := 0
		var r txn.Result
		for _, e := range entries {
			if e.Txn.ID == id {
				n, r = n+1, e.Result
			}
		}
		if n > 1 {
			h.t.Fatalf("the hall stored %s %d times", id, n)
		}
		if n == 1 && r.State.Done() {
			return r
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the hall never decided %s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// svcShot checks the screen against its golden images, and that it fits the window in both
// languages: a screen taller or wider than the window pushes Back and Home off it.
func (h *harness) svcShot(name string) {
	h.t.Helper()
	for range 2 { // in both languages
		h.tap("common.lang_switch")
		room := h.win.Canvas().Size().SubtractWidthHeight(2*theme.Padding(), 2*theme.Padding())
		if m := h.app.Content().MinSize(); m.Width > room.Width || m.Height > room.Height {
			h.t.Errorf("%s in %s needs %v: more than the window's %v", name, h.app.Lang(), m, room)
		}
	}
	h.golden(name)
}

// svcKeys taps the keypad.
func (h *harness) svcKeys(ks ...string) {
	h.t.Helper()
	for _, k := range ks {
		h.tap("keypad." + k)
	}
}

func TestInvoiceCollectionOnline(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.svcOnline(true)
	h.svcIdentify("resident-male") // Jianguo Hardware ("04" up to 25, "11" up to 10), Yingcheng
	h.svcShot("welcome_services")
	h.tap("service.invoice.title")
	h.waitScreen(ScreenInvoiceEnt)
	h.svcShot("invoice_enterprises")
	h.tap("invoice.ent." + registry.JianguoHardware)
	h.waitScreen(ScreenInvoiceType)
	h.svcShot("invoice_types")
	h.tap("invoice.type.04")
	h.waitScreen(ScreenInvoiceQty)
	if !h.app.Button("invoice.next").Disabled() {
		t.Fatal("next offered before a quantity was typed")
	}
	h.svcKeys("0", "2", "6") // 26 is over the limit of 25: the 6 is refused
	if h.app.inv.quantity() != 2 || !strings.Contains(h.text(), "最多可领用 25 份") {
		t.Fatalf("typed %q:\n%s", h.app.inv.qty, h.text())
	}
	h.svcShot("invoice_quantity_over")
	h.svcKeys("5")
	if h.app.inv.quantity() != 25 || h.app.inv.over {
		t.Fatalf("typed %q, over %t", h.app.inv.qty, h.app.inv.over)
	}
	h.svcShot("invoice_quantity")
	h.tap("invoice.next")
	h.waitScreen(ScreenInvoiceConfirm)
	h.svcShot("invoice_confirm")
	h.tap("common.back") // back keeps what was typed
	h.waitScreen(ScreenInvoiceQty)
	if h.app.inv.quantity() != 25 {
		t.Fatalf("back lost the quantity: %q", h.app.inv.qty)
	}
	h.tap("invoice.next")
	h.tap("invoice.submit")
	if h.app.Button("invoice.submit") != nil {
		t.Fatal("the submit button is still there while submitting")
	}
	h.waitScreen(ScreenInvoiceResult)
	h.app.SetNetwork(NetState{Online: true})
	if !strings.Contains(h.text(), "已送达税务大厅") || !strings.Contains(h.text(), "已核准") {
		t.Fatalf("online result:\n%s", h.text())
	}
	h.svcShot("invoice_result")
	if r := h.svcHallResult(h.app.outcome.TxnID); r.State != txn.Approved || r.Code != hallapi.ResultAccepted {
		t.Fatalf("the hall's result %+v", r)
	}
	rs := h.demo.Printer.Receipts()
	if len(rs) != 1 || !strings.Contains(rs[0].Text, "发票领用申请回执") || !strings.Contains(rs[0].Text, "25 份") || len(rs[0].QRs) != 1 {
		t.Fatalf("receipts %+v", rs)
	}
	h.tap("common.finish") // a visit that did something goes on to the rating
	h.waitScreen(ScreenRate)
	if h.app.inv.ent != nil {
		t.Fatal("the enterprise outlived the session")
	}
}

func TestInvoiceCollectionOfflineAndPaymentDisabled(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := offlineHarness(t)
	h.svcOnline(true)
	h.svcIdentify("resident-male")
	h.demo.SetLink(false)
	h.svcOnline(false)
	h.app.SetNetwork(NetState{Online: false})
	if b := h.app.Button("service.pay.title"); b == nil || !b.Disabled() {
		t.Fatal("payment offered offline")
	}
	if !strings.Contains(h.text(), "该业务需联网办理") {
		t.Fatalf("no reason beside the disabled payment:\n%s", h.text())
	}
	if h.app.Button("service.invoice.title").Disabled() {
		t.Fatal("invoice collection refused offline")
	}
	// Queue numbers are the hall's: the next supervision greys 取号排队 too.
	h.pumpWhile("the queue withdrawn offline", func() bool {
		b := h.app.Button("queue.button")
		return b != nil && b.Disabled()
	})
	h.svcShot("welcome_offline")
	h.tap("service.invoice.title")
	h.tap("invoice.ent." + registry.JianguoHardware)
	h.tap("invoice.type.11")
	h.svcKeys("1", "0")
	h.tap("invoice.next")
	h.tap("invoice.submit")
	h.waitScreen(ScreenInvoiceResult)
	h.app.SetNetwork(NetState{Online: false, Pending: 1})
	if !strings.Contains(h.text(), "网络恢复后自动上传") {
		t.Fatalf("offline result does not say queued:\n%s", h.text())
	}
	h.svcShot("invoice_result_offline")
	id := h.app.outcome.TxnID
	h.demo.SetLink(true)
	if r := h.svcHallResult(id); r.Code != hallapi.ResultAccepted {
		t.Fatalf("the hall's result %+v", r)
	}
}

func TestTaxPaymentOnline(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.svcOnline(true)
	h.svcIdentify("resident-male") // Jianguo Hardware owes four taxes; Yingcheng owes nothing
	h.tap("service.pay.title")
	h.waitScreen(ScreenPayEnt)
	if !strings.Contains(h.text(), "没有待缴税款") {
		t.Fatalf("no word on the enterprise without taxes due:\n%s", h.text())
	}
	h.svcShot("pay_enterprises")
	h.tap("pay.ent." + registry.JianguoHardware)
	h.waitScreen(ScreenPayItems)
	if !h.app.Button("pay.next").Disabled() {
		t.Fatal("next offered with nothing chosen")
	}
	h.tap("pay.item.JG-2026Q3-VAT")
	h.tap("pay.item.JG-2026Q3-UMT")
	h.tap("pay.item.JG-2026Q3-EDU")
	h.tap("pay.item.JG-2026Q3-EDU") // and again: not chosen after all
	// due 2026-10-23, paid 2026-12-01: 39 days late, surcharges 61.43 + 4.30 (package latepay)
	if !strings.Contains(h.text(), "已选 2 项，合计 3,436.23元（含滞纳金 65.73元）") || !strings.Contains(h.text(), "已逾期 39 天 · 滞纳金 61.43元") {
		t.Fatalf("running total:\n%s", h.text())
	}
	h.svcShot("pay_items")
	h.tap("pay.next")
	h.waitScreen(ScreenPayConfirm)
	for _, want := range []string{"中国工商银行平顶山卫东支行", "6222 **** **** 6617", "3,436.23元（含滞纳金 65.73元）"} {
		if !strings.Contains(h.text(), want) {
			t.Fatalf("confirm screen lacks %q:\n%s", want, h.text())
		}
	}
	h.svcShot("pay_confirm")
	h.tap("pay.submit")
	if h.app.Button("pay.submit") != nil {
		t.Fatal("the confirm button is still there while submitting")
	}
	h.waitScreen(ScreenPayResult)
	h.app.SetNetwork(NetState{Online: true})
	if !strings.Contains(h.text(), "已受理扣款 3,436.23元") {
		t.Fatalf("online result without the hall's answer:\n%s", h.text())
	}
	h.svcShot("pay_result")
	id := h.app.outcome.TxnID
	if r := h.svcHallResult(id); r.State != txn.Approved || r.Code != hallapi.ResultPaid || r.Message != "3436.23" {
		t.Fatalf("the hall's result %+v", r)
	}
	rs := h.demo.Printer.Receipts()
	if len(rs) != 1 || !strings.Contains(rs[0].Text, "税款缴纳回执") || !strings.Contains(rs[0].Text, "3436.23 元") || !strings.Contains(rs[0].Text, "61.43 元") || !strings.Contains(rs[0].Text, "6222 **** **** 6617") {
		t.Fatalf("receipts %+v", rs)
	}

	// Home: the payment is in the history with the hall's answer, and its items cannot be
	// chosen again.
	h.tap("common.home")
	h.waitScreen(ScreenWelcome)
	if !strings.Contains(h.text(), "缴纳税款") || !strings.Contains(h.text(), "已受理扣款 3,436.23元") {
		t.Fatalf("history without the payment:\n%s", h.text())
	}
	h.svcShot("welcome_paid")
	h.tap("service.pay.title")
	h.tap("pay.ent." + registry.JianguoHardware)
	h.waitScreen(ScreenPayItems)
	if !h.app.Button("pay.item.JG-2026Q3-VAT").Disabled() || h.app.Button("pay.item.JG-2026Q3-EDU").Disabled() {
		t.Fatal("paid items offered again, or unpaid ones not offered")
	}
	h.svcShot("pay_items_submitted")
	if _, err := h.term.Services().Payment.Pay(context.Background(), registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, h.app.Lang()); !errors.Is(err, payment.ErrAlreadyPaid) {
		t.Fatalf("the same item again: %v", err)
	}

	// The receipt's QR code tells anyone holding it what the hall said, in words.
	h.tap("common.home")
	h.waitScreen(ScreenWelcome)
	if err := h.demo.Scanner.Scan([]byte(rs[0].QRs[0])); err != nil {
		t.Fatal(err)
	}
	pumpUntil[scan.Scanned](h)
	h.waitScreen(ScreenScan)
	if !strings.Contains(h.text(), "缴纳税款") || !strings.Contains(h.text(), "已受理扣款 3,436.23元") || strings.Contains(h.text(), "张") {
		t.Fatalf("scanned payment receipt:\n%s", h.text())
	}
	h.svcShot("scan_receipt_payment")
}

func TestServicesWithoutEnterprises(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.svcOnline(true)
	h.svcIdentify("foreign-permanent-2023") // the hall knows no enterprise for this card
	h.tap("service.invoice.title")
	h.waitScreen(ScreenInvoiceEnt)
	if !strings.Contains(h.text(), "未查到您可以领用发票的企业") {
		t.Fatalf("no word why nothing is offered:\n%s", h.text())
	}
	h.svcShot("invoice_none")
	h.tap("common.back")
	h.waitScreen(ScreenWelcome)
	h.tap("service.pay.title")
	h.waitScreen(ScreenPayEnt)
	if !strings.Contains(h.text(), "没有可以在本机缴纳的税款") {
		t.Fatalf("no word why nothing is offered:\n%s", h.text())
	}
	h.tap("common.home")
	h.waitScreen(ScreenWelcome)
}

func TestPaymentWithoutAgreement(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.svcOnline(true)
	h.svcIdentify("resident-elderly") // Defu Housekeeping: no tripartite agreement
	h.tap("service.pay.title")
	h.waitScreen(ScreenPayEnt)
	if !strings.Contains(h.text(), "未签订三方协议") {
		t.Fatalf("no reason the enterprise cannot pay:\n%s", h.text())
	}
	h.svcShot("pay_no_agreement")
}

func TestInvoiceKeypadRules(t *testing.T) {
	var e invoiceEdit
	for _, k := range []string{"0", "0", "1", "2"} {
		e.press(k, 25)
	}
	if e.qty != "12" || e.over {
		t.Fatalf("typed %q over=%t", e.qty, e.over)
	}
	e.press("6", 25)
	if e.qty != "12" || !e.over {
		t.Fatalf("126 of 25: %q over=%t", e.qty, e.over)
	}
	e.press("back", 25)
	e.press("5", 25)
	if e.quantity() != 15 || e.over {
		t.Fatalf("typed %q over=%t", e.qty, e.over)
	}
	for i := 0; i < 30; i++ {
		e.press("9", 25) // never beyond the limit, however long the finger stays
	}
	if e.quantity() != 15 {
		t.Fatalf("typed %q", e.qty)
	}
	e.press("clear", 25)
	if e.quantity() != 0 || e.qty != "" {
		t.Fatalf("after clear %q", e.qty)
	}
}

// TestFiledReturnPayNow: a return with tax payable ends on a result screen that gives the
// amount and the statutory due date and offers "pay now", which leads to the payment with
// the new item chosen (issue 12: the result screen gave neither, and 缴纳税款 said 没有待缴税款).
func TestFiledReturnPayNow(t *testing.T) {
	if ranApart(t) {
		return
	}
	h := newHarness(t)
	h.svcOnline(true)
	h.svcIdentify("resident-male")
	h.tap("service.vat.title")
	h.waitScreen(ScreenFiler)
	h.tap("filer.ent." + registry.JianguoHardware)
	h.waitScreen(ScreenVAT)
	for _, k := range "400000" {
		h.tap("keypad." + string(k))
	}
	h.tap("vat.next")
	h.waitScreen(ScreenConfirm)
	// 4,000.00 × 7 %, 3 %, 2 %, halved for a small-scale taxpayer
	for _, want := range []string{"附加税费（减征 50%）", "城市维护建设税（7%）140.00元 · 教育费附加 60.00元 · 地方教育附加 40.00元", "税费合计 4,240.00元"} {
		if !strings.Contains(h.text(), want) {
			t.Fatalf("confirm screen lacks %q:\n%s", want, h.text())
		}
	}
	h.tap("confirm.submit")
	h.waitScreen(ScreenResult)
	o := h.app.outcome.Owed
	if o == nil || len(o.ItemIDs) != 4 || o.Amount.String() != "4240.00" || o.Due != h.app.vat.draft.Period.DueDate() {
		t.Fatalf("owed %+v for %+v", o, h.app.vat.draft)
	}
	if want := "应缴税费 4,240.00元，缴款期限 " + o.Due; !strings.Contains(h.text(), want) {
		t.Fatalf("result screen lacks %q:\n%s", want, h.text())
	}
	h.tap("result.pay_now")
	h.waitScreen(ScreenPayItems)
	if ids := h.app.pay.items(); fmt.Sprint(ids) != fmt.Sprint(o.ItemIDs) {
		t.Fatalf("chosen %v, want the return's taxes %v", ids, o.ItemIDs)
	}
	h.tap("pay.next")
	h.waitScreen(ScreenPayConfirm)
	h.tap("pay.submit")
	h.waitScreen(ScreenPayResult)
	if r := h.svcHallResult(h.app.outcome.TxnID); r.Code != hallapi.ResultPaid {
		t.Fatalf("the hall's answer %+v", r)
	}
}
