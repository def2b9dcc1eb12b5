package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/invoice"
	"taxkiosk/kiosk/txn"
)

func TestCollectInvoicesRefusals(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	ctx := context.Background()
	if _, err := k.Term.Services().Invoice.Collect(ctx, registry.JianguoHardware, "04", 1, i18n.ZH); !errors.Is(err, counter.ErrNoSession) {
		t.Fatalf("without a card: %v", err)
	}
	k.Identify("resident-male") // Jianguo Hardware: "04" up to 25, "11" up to 10; no "01"
	for _, c := range []struct {
		name, code, typ string
		qty             int
		want            error
	}{
		{"an enterprise of another person", registry.XiulanHalalFood, "04", 1, invoice.ErrEnterprise},
		{"an unknown enterprise", "91350100M000100Y43", "04", 1, invoice.ErrEnterprise},
		{"a type not approved", registry.JianguoHardware, "01", 1, invoice.ErrTypeNotApproved},
		{"no type", registry.JianguoHardware, "", 1, invoice.ErrTypeNotApproved},
		{"zero invoices", registry.JianguoHardware, "04", 0, invoice.ErrQuantity},
		{"a negative quantity", registry.JianguoHardware, "04", -3, invoice.ErrQuantity},
		{"one over the limit", registry.JianguoHardware, "04", 26, invoice.ErrQuantity},
		{"over the other type's limit", registry.JianguoHardware, "11", 11, invoice.ErrQuantity},
	} {
		_, err := k.Term.Services().Invoice.Collect(ctx, c.code, c.typ, c.qty, i18n.ZH)
		k.Refused(c.name, err, c.want)
	}
	if n := k.Accepted(txn.KindInvoiceCollection); n != 0 {
		t.Fatalf("%d applications accepted by refusals", n)
	}
	if n := len(k.Demo.Printer.Receipts()); n != 0 {
		t.Fatalf("%d receipts printed for refusals", n)
	}
}

func TestCollectInvoicesOnline(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Online()
	k.Identify("resident-male")
	out, err := k.Term.Services().Invoice.Collect(context.Background(), registry.JianguoHardware, "04", 25, i18n.ZH) // the limit itself
	if err != nil {
		t.Fatal(err)
	}
	if !out.Delivered || !out.Printed {
		t.Fatalf("online outcome: %+v", out)
	}
	res, ok := k.HallEntry(out.TxnID, 10*time.Second)
	if !ok || res.State != txn.Approved || res.Code != hallapi.ResultAccepted {
		t.Fatalf("the hall's result: %+v (stored %t)", res, ok)
	}
	rs := k.Demo.Printer.Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d receipts", len(rs))
	}
	for _, want := range []string{"发票领用申请回执", "平顶山市卫东区建国五金商行有限公司", registry.JianguoHardware,
		"增值税普通发票", "25 份", counter.ReceiptNumber(out.Seq), "已送达税务大厅", "发票窗口",
		"[QR: " + txn.ReceiptCode("TEST-01", out.TxnID) + "]"} {
		if !strings.Contains(rs[0].Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, rs[0].Text)
		}
	}
	if strings.Contains(rs[0].Text, "410403196804153016") {
		t.Error("the receipt shows the full ID number")
	}
	hist := k.Term.Services().History.List()
	if len(hist) != 1 || hist[0].Kind != txn.KindInvoiceCollection || hist[0].Code != hallapi.ResultAccepted {
		t.Fatalf("history %+v", hist)
	}
}

func TestCollectInvoicesOfflineThenLinkReturns(t *testing.T) {
	t.Parallel()
	k := start(t, func(c *config.Config) { c.SyncWait = jsontime.Duration(time.Second) })
	k.Identify("resident-elderly") // Defu Housekeeping: "04" up to 5
	k.Offline()
	for _, a := range k.Term.Desk().Services() {
		if a.Service == desk.ServiceInvoice && !a.Available {
			t.Fatalf("invoice collection refused offline: %+v", a)
		}
	}
	out, err := k.Term.Services().Invoice.Collect(context.Background(), registry.DefuHousekeeping, "04", 5, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	if out.Delivered || !out.Printed {
		t.Fatalf("offline outcome: %+v", out)
	}
	if rs := k.Demo.Printer.Receipts(); len(rs) != 1 || !strings.Contains(rs[0].Text, "Invoice application") || !strings.Contains(rs[0].Text, "sent when the network") {
		t.Fatalf("offline receipt: %+v", rs)
	}
	k.Demo.SetLink(true)
	res, ok := k.HallEntry(out.TxnID, 20*time.Second)
	if !ok || res.Code != hallapi.ResultAccepted {
		t.Fatalf("after the link returned: %+v (stored %t)", res, ok)
	}
}
