package scan

import (
	"context"
	"errors"
	"testing"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// checker is the hall's invoice check in-process.
type checker struct{ err error }

func (c checker) VerifyInvoice(ctx context.Context, q hallapi.InvoiceQuery) (hallapi.Verification, error) {
	if c.err != nil {
		return hallapi.Verification{}, c.err
	}
	return hallapi.Verification{Result: hallapi.InvoiceGenuine, Message: hallapi.Text{ZH: "真"}}, nil
}

// TestHandleRoutesEveryKind: an invoice shows its fields; a receipt of this kiosk where its
// transaction stands, without the taxpayer; another kiosk's or an unknown one is foreign;
// noise is unknown. Each code touches the session and reaches the screens as Scanned.
func TestHandleRoutesEveryKind(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	ob := countertest.OpenOutbox(t, f.Head.KioskID)
	mine, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: countertest.Taxpayer, Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	var seen []View
	s := New(f, nil, ob, func(e Scanned) { seen = append(seen, e.View) }, nil)
	inv := &scanner.Invoice{InvoiceNumber: "12345678", Amount: "100.00"}
	for _, c := range []struct {
		code scanner.Code
		want Kind
	}{
		{scanner.Code{Kind: scanner.KindVATInvoice, Invoice: inv}, KindInvoice},
		{scanner.Code{Kind: scanner.KindKioskReceipt, Receipt: &scanner.ReceiptRef{KioskID: f.Head.KioskID, TxnID: mine.ID}}, KindReceipt},
		{scanner.Code{Kind: scanner.KindKioskReceipt, Receipt: &scanner.ReceiptRef{KioskID: f.Head.KioskID, TxnID: "not-here"}}, KindForeign},
		{scanner.Code{Kind: scanner.KindKioskReceipt, Receipt: &scanner.ReceiptRef{KioskID: "K-OTHER", TxnID: mine.ID}}, KindForeign},
		{scanner.Code{}, KindUnknown},
	} {
		s.Handle(c.code)
		if got := seen[len(seen)-1]; got.Kind != c.want {
			t.Errorf("%+v: %s, want %s", c.code, got.Kind, c.want)
		}
	}
	if r := seen[1].Receipt; r == nil || r.Number != "00000001" || r.State != txn.Queued || r.Kind != txn.KindVATReturn {
		t.Fatalf("receipt view %+v", seen[1].Receipt)
	}
	if seen[0].Invoice != inv || f.Touches != len(seen) {
		t.Fatalf("invoice view %+v, %d touches for %d codes", seen[0], f.Touches, len(seen))
	}
}

// TestVerifyQueuesWithoutTheHall: online, the hall's verdict; offline or with the hall not
// answering, the check is kept as a transaction whatever the policy, and its number given.
func TestVerifyQueuesWithoutTheHall(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	f.Refuse = "policy.online_only"
	inv := &scanner.Invoice{InvoiceNumber: "12345678"}
	v, err := New(f, checker{}, nil, nil, nil).Verify(context.Background(), inv)
	if err != nil || v.Result != hallapi.InvoiceGenuine || v.Queued || len(f.Accepted) != 0 {
		t.Fatalf("online: %+v %v", v, err)
	}
	for _, c := range []struct {
		name    string
		offline bool
		hall    checker
	}{
		{"offline", true, checker{}},
		{"the hall not answering", false, checker{err: errors.New("timeout")}},
	} {
		g := countertest.New(t)
		g.Offline, g.Refuse = c.offline, "policy.online_only"
		v, err := New(g, c.hall, nil, nil, nil).Verify(context.Background(), inv)
		if err != nil || !v.Queued || v.Number != "00000001" || g.Kinds()[0] != txn.KindInvoiceVerification {
			t.Errorf("%s: %+v %v", c.name, v, err)
		}
	}
}
