package payment

import (
	"context"
	"errors"
	"sync"
	"testing"

	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// payer is a fake counter committing to a real outbox file, and the service over it.
func payer(t *testing.T) (*countertest.Fake, *Service) {
	t.Helper()
	f := countertest.New(t)
	f.Outbox = countertest.OpenOutbox(t, f.Head.KioskID)
	return f, New(f, f.Outbox, countertest.Catalog(t), nil)
}

// TestNotPaidTwice: an item in a payment the hall has not answered is refused as pending,
// one the hall approved as paid; a payment the hall refused leaves its items payable again.
func TestNotPaidTwice(t *testing.T) {
	t.Parallel()
	f, s := payer(t)
	ctx := context.Background()
	first, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-UMT", "JG-2026Q3-VAT"}, i18n.ZH); !errors.Is(err, ErrPending) {
		t.Fatalf("an item waiting for the hall: %v", err)
	}
	if err := f.Outbox.Settle(f.Now(), nil, map[string]txn.Result{first.TxnID: {State: txn.Approved, Code: hallapi.ResultPaid, At: f.Now()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH); !errors.Is(err, ErrAlreadyPaid) {
		t.Fatalf("an item the hall paid: %v", err)
	}
	second, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-UMT"}, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Outbox.Settle(f.Now(), nil, map[string]txn.Result{second.TxnID: {State: txn.Rejected, Code: "insufficient_funds", At: f.Now()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-UMT"}, i18n.ZH); err != nil {
		t.Fatalf("an item of a refused payment: %v", err)
	}
	submitted := map[string]bool{}
	for _, it := range s.Items(registry.JianguoHardware) {
		submitted[it.ID] = it.Submitted
	}
	if !submitted["JG-2026Q3-VAT"] || !submitted["JG-2026Q3-UMT"] || submitted["JG-2026Q3-EDU"] {
		t.Fatalf("items shown as submitted: %v", submitted)
	}
}

// TestTwoTapsOnePayment: two payments of the same items at once: the check runs under the
// counter's lock with the commit, so exactly one is accepted.
func TestTwoTapsOnePayment(t *testing.T) {
	t.Parallel()
	f, s := payer(t)
	var mu sync.Mutex
	f2 := &lockedCounter{Fake: f, mu: &mu}
	s.c = f2
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Pay(context.Background(), registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], ErrPending) || errors.Is(errs[1], ErrPending)) {
		t.Fatalf("two taps: %v, %v", errs[0], errs[1])
	}
}

// lockedCounter holds one lock from a submission's check to its commit, as the desk does.
type lockedCounter struct {
	*countertest.Fake
	mu *sync.Mutex
}

func (c *lockedCounter) Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Fake.Submit(ctx, s)
}

// TestPayRules: refusals before anything is handed in, and a payment priced and dated by
// one instant with the surcharge the offline policy counts.
func TestPayRules(t *testing.T) {
	t.Parallel()
	f, s := payer(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, code string
		items      []string
		want       error
	}{
		{"an enterprise of another person", registry.GangyingTrading, []string{"GY-2026-11-VAT"}, ErrEnterprise},
		{"no item", registry.JianguoHardware, nil, ErrNoItems},
		{"an item not outstanding", registry.JianguoHardware, []string{"JG-2026Q3-VAT", "JG-C-2026Q2-VAT"}, ErrNotOutstanding},
		{"an item twice", registry.JianguoHardware, []string{"JG-2026Q3-VAT", "JG-2026Q3-VAT"}, ErrNotOutstanding},
	} {
		if _, err := s.Pay(ctx, c.code, c.items, i18n.ZH); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	f.List[1].Agreement = nil // Yingcheng Materials, as if it had no tripartite agreement
	if _, err := s.Pay(ctx, f.List[1].CreditCode, []string{"X"}, i18n.ZH); !errors.Is(err, ErrNoAgreement) {
		t.Errorf("no agreement: %v", err)
	}
	if len(f.Accepted) != 0 {
		t.Fatalf("%d payments accepted by refusals", len(f.Accepted))
	}
	if _, err := s.Pay(ctx, registry.JianguoHardware, []string{"JG-2026Q3-VAT"}, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	a := f.Accepted[0]
	if a.Amount != 321773 || !a.Txn.CreatedAt.Equal(countertest.Day) { // 3,150.00 and 43 days late: 67.73
		t.Fatalf("amount %d at %v, want 3217.73 at %v", a.Amount, a.Txn.CreatedAt, countertest.Day)
	}
}

// TestReceiptFigures: each paid item with its amount and, overdue, its surcharge; the
// taxes, the surcharges and the total their sums; the agreement it was debited through.
// Paid 2026-12-05, the items due 2026-10-23 are 43 days late: 3,150.00 bears 67.73 and
// 220.50 bears 4.74 (package latepay, worked by hand there).
func TestReceiptFigures(t *testing.T) {
	t.Parallel()
	cat := countertest.Catalog(t)
	for _, l := range i18n.Langs {
		f, s := payer(t)
		e := f.List[0]
		ids := []string{e.Outstanding[0].ID, e.Outstanding[1].ID, e.Outstanding[3].ID}
		if _, err := s.Pay(context.Background(), e.CreditCode, ids, l); err != nil {
			t.Fatal(err)
		}
		got := countertest.Fields(t, f.Accepted[0].Receipt)
		T := func(k string, kv ...any) string { return cat.T(l, k, kv...) }
		yuan := func(s string) string { return T("vat.yuan", "amount", s) }
		for _, c := range []struct {
			item            hallapi.TaxItem
			amount, charged string
			period          map[i18n.Lang]string // as the screens write it, never the hall's code
		}{
			{e.Outstanding[0], "3150.00", "67.73", map[i18n.Lang]string{i18n.ZH: "2026年第3季度", i18n.EN: "2026 Q3"}},
			{e.Outstanding[1], "220.50", "4.74", map[i18n.Lang]string{i18n.ZH: "2026年第3季度", i18n.EN: "2026 Q3"}},
			{e.Outstanding[3], "37.80", "", map[i18n.Lang]string{i18n.ZH: "2026年11月", i18n.EN: "Nov 2026"}}, // due 2026-12-15: not overdue
		} {
			if label := counter.TextIn(c.item.Name, l) + " " + c.period[l]; got[label] != yuan(c.amount) {
				t.Errorf("%s: %s = %q, want %q", l, label, got[label], yuan(c.amount))
			}
			label := T("pay.receipt.surcharge_line", "name", counter.TextIn(c.item.Name, l), "days", 43)
			if c.charged == "" {
				label = T("pay.receipt.surcharge_line", "name", counter.TextIn(c.item.Name, l), "days", 0)
			}
			if want := map[bool]string{true: yuan(c.charged), false: ""}[c.charged != ""]; got[label] != want {
				t.Errorf("%s: %s = %q, want %q", l, label, got[label], want)
			}
		}
		countertest.Expect(t, cat, l, got, map[string]string{
			"pay.receipt.tax":       yuan("3408.30"),
			"pay.receipt.surcharge": yuan("72.47"),
			"pay.receipt.total":     yuan("3480.77"),
			"pay.receipt.account":   e.Agreement.Account,
			"pay.receipt.agreement": e.Agreement.ID,
			"receipt.filer":         e.CreditCode,
			"receipt.number":        "00000001",
		})
	}
}
