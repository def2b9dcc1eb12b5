package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/kiosk/txn"
)

func TestPayTaxesRefusals(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	ctx := context.Background()
	if _, err := k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH); !errors.Is(err, counter.ErrNoSession) {
		t.Fatalf("without a card: %v", err)
	}
	k.Identify("resident-male")
	for _, c := range []struct {
		name, code string
		items      []string
		want       error
	}{
		{"an enterprise of another person", registry.GangyingTrading, []string{"GY-2026-11-VAT"}, payment.ErrEnterprise},
		{"no item", registry.JianguoHardware, nil, payment.ErrNoItems},
		{"an item not outstanding", registry.JianguoHardware, []string{"JG-2026Q3-VAT", "JG-C-2026Q2-VAT"}, payment.ErrNotOutstanding},
		{"another enterprise's item", registry.JianguoHardware, []string{"GY-2026-11-VAT"}, payment.ErrNotOutstanding},
		{"an item twice", registry.JianguoHardware, []string{"JG-2026Q3-VAT", "JG-2026Q3-VAT"}, payment.ErrNotOutstanding},
	} {
		_, err := k.Term.Services().Payment.Pay(ctx, c.code, c.items, i18n.ZH)
		k.Refused(c.name, err, c.want)
	}
	if n := k.Accepted(txn.KindTaxPayment); n != 0 {
		t.Fatalf("%d payments accepted by refusals", n)
	}
}

func TestPayTaxesNeedsAnAgreement(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Identify("resident-elderly") // Defu Housekeeping has no tripartite agreement
	_, err := k.Term.Services().Payment.Pay(context.Background(), registry.DefuHousekeeping, []string{"X"}, i18n.ZH)
	k.Refused("no agreement", err, payment.ErrNoAgreement)
}

func TestPayTaxesOfflineRefusedByPolicy(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Identify("resident-male")
	k.Offline()
	var pay desk.Availability
	for _, a := range k.Term.Desk().Services() {
		if a.Service == desk.ServicePayment {
			pay = a
		}
	}
	if pay.Available || pay.ReasonKey != policy.ReasonOnlineOnly {
		t.Fatalf("payment offline: %+v, want disabled with %s", pay, policy.ReasonOnlineOnly)
	}
	_, err := k.Term.Services().Payment.Pay(context.Background(), registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH)
	var r *counter.RefusedError
	if !errors.As(err, &r) || r.ReasonKey != policy.ReasonOnlineOnly {
		t.Fatalf("offline payment: %v", err)
	}
	if n := k.Accepted(txn.KindTaxPayment); n != 0 {
		t.Fatalf("%d payments accepted offline", n)
	}
}

func TestPayTaxesOnceOnline(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Online()
	k.Identify("resident-male")
	ctx := context.Background()
	items := []string{"JG-2026Q3-VAT", "JG-2026Q3-UMT", "JG-2026Q3-EDU", "JG-2026-11-STAMP"}
	out, err := k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, items, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Delivered || !out.Printed {
		t.Fatalf("online outcome: %+v", out)
	}
	res, ok := k.HallEntry(out.TxnID, 10*time.Second)
	// 3150.00 + 220.50 + 94.50 + 37.80 and the surcharges 67.73 + 4.74 + 2.03, in exact fen
	if !ok || res.State != txn.Approved || res.Code != hallapi.ResultPaid || res.Message != "3577.30" {
		t.Fatalf("the hall's result: %+v (stored %t)", res, ok)
	}
	rs := k.Demo.Printer.Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d receipts", len(rs))
	}
	for _, want := range []string{"税款缴纳回执", "增值税 2026年第3季度", "3150.00 元", "220.50 元", "印花税 2026年11月", "增值税滞纳金（逾期 43 天）", "67.73 元", "74.50 元", "3577.30 元",
		"中国工商银行平顶山卫东支行", "6222 **** **** 6617", "已发出扣款指令", counter.ReceiptNumber(out.Seq),
		"[QR: " + txn.ReceiptCode("TEST-01", out.TxnID) + "]"} {
		if !strings.Contains(rs[0].Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, rs[0].Text)
		}
	}

	// The same selection again, or one overlapping it, is refused: the hall approved it.
	_, err = k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, items, i18n.ZH)
	k.Refused("the same payment again", err, payment.ErrAlreadyPaid)
	_, err = k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, []string{"JG-2026-11-STAMP"}, i18n.ZH)
	k.Refused("one item again", err, payment.ErrAlreadyPaid)
	for _, it := range k.Term.Services().Payment.Items(registry.JianguoHardware) {
		if !it.Submitted {
			t.Errorf("%s offered again after it was paid", it.ID)
		}
	}
	if n := k.Accepted(txn.KindTaxPayment); n != 1 {
		t.Fatalf("%d payments accepted", n)
	}
	hist := k.Term.Services().History.List()
	if len(hist) != 1 || hist[0].Kind != txn.KindTaxPayment || hist[0].State != txn.Approved || hist[0].Code != hallapi.ResultPaid {
		t.Fatalf("history %+v", hist)
	}
}

// TestPayTaxesTwiceAtOnce taps confirm twice as fast as a finger can: exactly one payment
// is accepted.
func TestPayTaxesTwiceAtOnce(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Online()
	k.Identify("foreign-permanent") // financial officer of Gangying Trading, large taxes due
	items := []string{"GY-2026-11-VAT", "GY-2026-11-UMT"}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = k.Term.Services().Payment.Pay(context.Background(), registry.GangyingTrading, items, i18n.ZH)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, payment.ErrPending), errors.Is(err, payment.ErrAlreadyPaid):
		default:
			t.Fatalf("second payment: %v", err)
		}
	}
	if ok != 1 || k.Accepted(txn.KindTaxPayment) != 1 {
		t.Fatalf("%d payments succeeded, %d accepted", ok, k.Accepted(txn.KindTaxPayment))
	}
}

// TestPayTaxesPendingOffline: where the policy lets payments wait for the hall, a payment
// not yet answered blocks another of the same items, and the hall pays it once.
func TestPayTaxesPendingOffline(t *testing.T) {
	t.Parallel()
	limit := money.Yuan(5000)
	k := start(t, func(c *config.Config) {
		c.SyncWait = jsontime.Duration(time.Second)
		c.OfflinePolicy.Services["tax_payment"] = policy.Rule{Mode: policy.OfflineLimited, MaxQueued: 5, MaxAmount: &limit}
	})
	k.Identify("resident-male")
	k.Offline()
	ctx := context.Background()
	out, err := k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if out.Delivered {
		t.Fatalf("delivered through a cut link: %+v", out)
	}
	_, err = k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-UMT", "JG-2026Q3-VAT"}, i18n.ZH)
	k.Refused("an item of a payment waiting for the hall", err, payment.ErrPending)
	var submitted []string
	for _, it := range k.Term.Services().Payment.Items(registry.JianguoHardware) {
		if it.Submitted {
			submitted = append(submitted, it.ID)
		}
	}
	if fmt.Sprint(submitted) != "[JG-2026Q3-VAT]" {
		t.Fatalf("items shown as submitted: %v", submitted)
	}
	// The other items are still payable.
	out2, err := k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-UMT"}, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	k.Demo.SetLink(true)
	for _, o := range []counter.Outcome{out, out2} {
		res, ok := k.HallEntry(o.TxnID, 20*time.Second)
		if !ok || res.Code != hallapi.ResultPaid {
			t.Fatalf("after the link returned: %+v (stored %t)", res, ok)
		}
	}
}
