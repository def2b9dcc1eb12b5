package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// twoHalls serves two hall.Servers, each over a Store of its own on one schema: two hall
// processes on one PostgreSQL, as a hall with two servers runs.
func twoHalls(t *testing.T, now time.Time) [2]*hallapi.Client {
	a := open(t)
	key, _ := seal.NewKey(bytes.Repeat([]byte{0x44}, seal.KeySize))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Open(ctx, dsn(t), &Opts{Key: key, Schema: a.schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	var out [2]*hallapi.Client
	for i, s := range []hall.Store{a, b} {
		srv := httptest.NewServer(hall.New(s, &hall.Opts{Now: func() time.Time { return now }}))
		t.Cleanup(srv.Close)
		out[i] = &hallapi.Client{BaseURL: srv.URL}
	}
	return out
}

// pay posts one tax_payment of items through c as kiosk and returns its result.
func pay(c *hallapi.Client, kiosk, id, who, code, items, total string, at time.Time) (txn.Result, error) {
	sess, _ := json.Marshal(hallapi.Session{CardReadAt: at, SAMID: "05.01-20101104-0015243839-2342323233"})
	body := fmt.Sprintf(`{"credit_code":%q,"items":[%s],"total":%q,"session":%s}`, code, items, total, sess)
	t := txn.Txn{ID: id, KioskID: kiosk, Kind: txn.KindTaxPayment, Body: json.RawMessage(body),
		Taxpayer: &txn.Taxpayer{Name: "测试", IDNumber: who, CardType: "resident"}}
	resp, err := c.SendBatch(context.Background(), hallapi.Batch{KioskID: kiosk, Txns: []txn.Txn{t}})
	if err != nil {
		return txn.Result{}, err
	}
	if len(resp.Results) != 1 {
		return txn.Result{}, fmt.Errorf("%s: %+v", id, resp)
	}
	return resp.Results[0].Result, nil
}

// TestTwoHallsPayAnItemOnce: a tax item paid at one hall is refused at the other, though the
// other had read its ledger before, and of kiosks paying one item at once through both halls
// exactly one is approved. Each hall keeps its ledger in memory; without the shared ledger
// lock and the reading of what the other stored, both halls approve.
func TestTwoHallsPayAnItemOnce(t *testing.T) {
	now := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	halls := twoHalls(t, now)
	ctx := context.Background()
	const (
		zhang, jianguo  = "410403196804153016", "91410403MA44JG2K1R"
		smith, gangying = "CAN410080052601", "91410400MA9KWB3N7Q"
	)
	if e, err := halls[1].Enterprise(ctx, jianguo); err != nil || len(e.Outstanding) == 0 {
		t.Fatalf("hall B before the payment: %+v %v", e, err) // B has read its ledger now
	}
	if r, err := pay(halls[0], "K1", "pay-a", zhang, jianguo, `"JG-2026-11-STAMP"`, "37.80", now); err != nil || r.Code != hallapi.ResultPaid {
		t.Fatalf("paid at hall A: %+v %v", r, err)
	}
	if r, err := pay(halls[1], "K2", "pay-b", zhang, jianguo, `"JG-2026-11-STAMP"`, "37.80", now); err != nil || r.Code != hallapi.ResultPaidByOther {
		t.Fatalf("the same item at hall B: %+v %v; want %s", r, err, hallapi.ResultPaidByOther)
	}
	e, err := halls[1].Enterprise(ctx, jianguo)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range e.Outstanding {
		if it.ID == "JG-2026-11-STAMP" {
			t.Fatalf("hall B still offers the item hall A was paid: %+v", e.Outstanding)
		}
	}

	const kiosks = 8
	results := make([]txn.Result, kiosks)
	errs := make([]error, kiosks)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := range kiosks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[k], errs[k] = pay(halls[k%2], fmt.Sprintf("K%d", 10+k), fmt.Sprintf("race-%d", k), smith, gangying,
				`"GY-2026-11-VAT"`, "18452.37", now)
		}()
	}
	close(start)
	wg.Wait()
	approved := 0
	for k, r := range results {
		switch {
		case errs[k] != nil:
			t.Errorf("kiosk %d: %v", k, errs[k])
		case r.Code == hallapi.ResultPaid:
			approved++
		case r.Code != hallapi.ResultPaidByOther:
			t.Errorf("kiosk %d: %+v", k, r)
		}
	}
	if approved != 1 {
		t.Fatalf("%d of %d kiosks paying one item through two halls were approved; want 1", approved, kiosks)
	}
}
