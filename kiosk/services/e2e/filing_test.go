package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/vatreturn"
)

// TestFiledReturnPayableSameVisit: a return with 4,000.00 yuan payable becomes an item the
// hall lists, due on the period's statutory day, which the payment flow offers and pays in
// the same session (issue 12: 缴纳税款 once said 没有待缴税款).
func TestFiledReturnPayableSameVisit(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Online()
	k.Identify("resident-male")
	ctx := context.Background()
	q3 := vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
	r := vatreturn.Return{Period: q3, Filer: vatreturn.Filer{Kind: vatreturn.FilerEnterprise, CreditCode: registry.JianguoHardware}, Sales: money.Yuan(400000)}
	out, err := k.Term.Services().Filing.Submit(ctx, r, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	// 4,000.00 VAT; surcharges halved: 140.00 + 60.00 + 40.00
	f := "F-" + out.TxnID + "-"
	want := counter.Owed{Amount: money.Yuan(4240), Due: "2026-10-15", CreditCode: registry.JianguoHardware,
		ItemIDs: []string{f + "VAT", f + "UMT", f + "EDU", f + "LEDU"}}
	if !out.Delivered || out.Owed == nil || fmt.Sprint(*out.Owed) != fmt.Sprint(want) {
		t.Fatalf("outcome %+v owed %+v, want %+v", out, out.Owed, want)
	}
	var offered money.Amount
	for _, it := range k.Term.Services().Payment.Items(registry.JianguoHardware) {
		if strings.HasPrefix(it.ID, f) && it.Due == want.Due && !it.Submitted {
			offered += it.Amount
		}
	}
	if offered != want.Amount {
		t.Fatalf("the return's taxes offered: %s of %s: %+v", offered, want.Amount, k.Term.Services().Payment.Items(registry.JianguoHardware))
	}
	pay, err := k.Term.Services().Payment.Pay(ctx, registry.JianguoHardware, want.ItemIDs, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if res, ok := k.HallEntry(pay.TxnID, 10*time.Second); !ok || res.Code != hallapi.ResultPaid {
		t.Fatalf("the hall's answer to the payment: %+v (stored %t)", res, ok)
	}

	// One's own return owes to the person: due date, no item (no tripartite agreement).
	own, err := k.Term.Services().Filing.Submit(ctx, vatreturn.Return{Period: q3, Filer: vatreturn.Filer{Kind: vatreturn.FilerSelf}, Sales: money.Yuan(400000)}, i18n.ZH)
	if err != nil || own.Owed == nil || own.Owed.CreditCode != "" || own.Owed.ItemIDs != nil || own.Owed.Due != "2026-10-15" {
		t.Fatalf("own return: %+v %+v %v", own, own.Owed, err)
	}
}
