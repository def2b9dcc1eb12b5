package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/txn"
)

func TestAmountField(t *testing.T) {
	f := AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable"})
	for _, c := range []struct {
		name string
		kind txn.Kind
		body string
		want money.Amount
		bad  bool
	}{
		{"vat return body", txn.KindVATReturn, `{"period":{"type":"monthly","year":2026,"index":11},"tax_payable":"1234.56","zero_return":false}`, 123456, false},
		{"zero return", txn.KindVATReturn, `{"tax_payable":"0.00","zero_return":true}`, 0, false},
		{"field missing", txn.KindVATReturn, `{"sales_3pct":"10.00"}`, 0, false},
		{"field null", txn.KindVATReturn, `{"tax_payable":null}`, 0, false},
		{"kind without field", "tax_payment", `{"tax_payable":"99.00"}`, 0, false},
		{"no body", txn.KindVATReturn, ``, 0, false},
		{"float is not money", txn.KindVATReturn, `{"tax_payable":12.5}`, 0, true},
		{"three decimals", txn.KindVATReturn, `{"tax_payable":"1.005"}`, 0, true},
		{"body not an object", txn.KindVATReturn, `[1,2]`, 0, true},
	} {
		got, err := f(txn.Txn{Kind: c.kind, Body: []byte(c.body)})
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("%s: got %v, %v; want %v, error %v", c.name, got, err, c.want, c.bad)
		}
	}
}

func TestPendingByKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), Now: func() time.Time { return clock },
		AmountOf: AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable", "tax_payment": "amount"})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close(); checkFile(t, path) })
	ctx := context.Background()
	add := func(kind txn.Kind, body string) txn.Txn {
		t.Helper()
		got, err := ob.Enqueue(ctx, txn.Txn{Kind: kind, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Minute)
		return got
	}
	first := add(txn.KindVATReturn, `{"tax_payable":"10.00"}`)
	second := add(txn.KindVATReturn, `{"tax_payable":"2.50"}`)
	add(txn.KindVATReturn, `{"tax_payable":"0.00"}`)
	pay := add("tax_payment", `{"amount":"300.00"}`)
	if _, err := ob.Enqueue(ctx, txn.Txn{Kind: txn.KindVATReturn, Body: []byte(`{"tax_payable":1}`)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("enqueue with a float amount = %v, want ErrInvalid", err)
	}
	if err := ob.MarkSending([]string{second.ID}); err != nil { // sending still waits for the hall
		t.Fatal(err)
	}
	if err := ob.Ack([]string{first.ID, pay.ID}, clock); err != nil {
		t.Fatal(err)
	}
	got, err := ob.PendingByKind()
	if err != nil {
		t.Fatal(err)
	}
	want := map[txn.Kind]KindPending{txn.KindVATReturn: {Count: 2, Amount: 250, Oldest: second.CreatedAt}}
	if len(got) != len(want) || got[txn.KindVATReturn] != want[txn.KindVATReturn] {
		t.Fatalf("PendingByKind = %+v, want %+v", got, want)
	}
	if r, _ := ob.Get(first.ID); r.Amount != 1000 {
		t.Fatalf("record amount %v, want 10.00", r.Amount)
	}
}

// TestReadOnly: a technician's tool reads the file of a stopped kiosk without changing a
// byte of it, and cannot open it while the kiosk holds it.
func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	if _, err := Open(path, &Opts{ReadOnly: true}); !errors.Is(err, ErrStorage) {
		t.Fatalf("read-only open of a missing file = %v, want ErrStorage", err)
	}
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	tp := persona
	a, _ := ob.Enqueue(context.Background(), vat(&tp))
	b, _ := ob.Enqueue(context.Background(), vat(&tp))
	ob.MarkSending([]string{b.ID})
	if _, err := Open(path, &Opts{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("read-only open beside the kiosk = %v, want ErrLocked", err)
	}
	ob.Close()
	before := readFile(t, path)

	for _, key := range []bool{false, true} {
		opts := &Opts{ReadOnly: true}
		if key {
			opts.Key = testKey(t)
		}
		ro, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if ro.KioskID() != "K001" {
			t.Errorf("kiosk id %q", ro.KioskID())
		}
		st := ro.Stats()
		if st.Counts[txn.Queued] != 1 || st.Counts[txn.Sending] != 1 {
			t.Errorf("read-only stats %+v: crash recovery must not run read-only", st.Counts)
		}
		r, err := ro.Get(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if key != (r.Txn.Taxpayer != nil) {
			t.Errorf("key %v: taxpayer %v", key, r.Txn.Taxpayer)
		}
		if _, err := ro.Enqueue(context.Background(), vat(nil)); !errors.Is(err, ErrReadOnly) {
			t.Errorf("enqueue read-only = %v, want ErrReadOnly", err)
		}
		if err := ro.MarkSending([]string{a.ID}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("mark sending read-only = %v, want ErrReadOnly", err)
		}
		ro.Close()
	}
	if after := readFile(t, path); string(after) != string(before) {
		t.Fatal("read-only use changed the file")
	}
}
