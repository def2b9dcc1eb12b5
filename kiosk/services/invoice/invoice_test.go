package invoice

import (
	"context"
	"errors"
	"testing"

	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// TestCollectRules: an application names an enterprise the taxpayer acts for, a type it is
// approved for and a quantity within the approval; each refusal leaves nothing accepted.
func TestCollectRules(t *testing.T) {
	t.Parallel()
	f := countertest.New(t) // Jianguo Hardware: "04" up to 25, "11" up to 10; no "01"
	s := New(f, countertest.Catalog(t))
	ctx := context.Background()
	for _, c := range []struct {
		name, code, typ string
		qty             int
		want            error
	}{
		{"an enterprise of another person", registry.XiulanHalalFood, "04", 1, ErrEnterprise},
		{"a type not approved", registry.JianguoHardware, "01", 1, ErrTypeNotApproved},
		{"no type", registry.JianguoHardware, "", 1, ErrTypeNotApproved},
		{"zero invoices", registry.JianguoHardware, "04", 0, ErrQuantity},
		{"one over the limit", registry.JianguoHardware, "04", 26, ErrQuantity},
		{"over the other type's limit", registry.JianguoHardware, "11", 11, ErrQuantity},
	} {
		if _, err := s.Collect(ctx, c.code, c.typ, c.qty, i18n.ZH); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if len(f.Accepted) != 0 {
		t.Fatalf("%d applications accepted by refusals", len(f.Accepted))
	}
	out, err := s.Collect(ctx, registry.JianguoHardware, "04", 25, i18n.ZH) // the limit itself
	if err != nil || out.TxnID == "" || f.Kinds()[0] != txn.KindInvoiceCollection {
		t.Fatalf("at the limit: %+v %v", out, err)
	}
	f.Person = nil
	if _, err := s.Collect(ctx, registry.JianguoHardware, "04", 1, i18n.ZH); !errors.Is(err, counter.ErrNoSession) {
		t.Fatalf("without a session: %v", err)
	}
}

// TestReceiptFigures: the type and quantity applied for, and the queued note offline.
func TestReceiptFigures(t *testing.T) {
	t.Parallel()
	cat := countertest.Catalog(t)
	for _, l := range i18n.Langs {
		f := countertest.New(t)
		e := f.List[0]
		ap := e.Approvals[0]
		if _, err := New(f, cat).Collect(context.Background(), e.CreditCode, ap.TypeCode, 12, l); err != nil {
			t.Fatal(err)
		}
		countertest.Expect(t, cat, l, countertest.Fields(t, f.Accepted[0].Receipt), map[string]string{
			"invoice.receipt.type":     counter.TextIn(ap.Name, l),
			"invoice.receipt.quantity": cat.T(l, "invoice.quantity.value", "n", 12),
			"receipt.filer":            e.CreditCode,
			"receipt.status":           cat.T(l, "receipt.status.queued"),
		})
	}
}
