package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// Persona is personal data the suite stores; backends check their raw storage for it.
var Persona = txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident", Address: "河南省平顶山市新华区光明路18号"}

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// ZeroReturn is the body of a valid zero VAT return of one's own for 2026-Q3, as a kiosk
// sends it.
var ZeroReturn = zeroReturn()

func zeroReturn() string {
	p := vatreturn.Period{Type: vatreturn.Quarterly, Year: 2026, Index: 3}
	r := vatreturn.Zero(p)
	r.Filer.Kind = vatreturn.FilerSelf
	if err := r.Compute(vatreturn.RulesFor(vatreturn.DefaultRules(), p)); err != nil {
		panic(err) // a zero return always computes
	}
	return string(r.Body())
}

// Entry makes a stored-to-be VAT return of kiosk with id.
func Entry(kiosk, id string, seq uint64) hall.Entry {
	tp := Persona
	t := txn.Txn{ID: id, Seq: seq, KioskID: kiosk, Kind: txn.KindVATReturn, CreatedAt: t0, Taxpayer: &tp,
		Body: []byte(ZeroReturn)}
	r, _ := hall.Decide(t, t0)
	return hall.Entry{Txn: t, Result: r, ReceivedAt: t0}
}

// Run runs the suite; open returns a new, empty store for each subtest (and closes it in
// t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) hall.Store) {
	ctx := context.Background()
	t.Run("StoresOnce", func(t *testing.T) {
		s := open(t)
		batch := []hall.Entry{Entry("K1", "a", 1), Entry("K1", "b", 2), Entry("K1", "c", 3)}
		outs, err := s.PutBatch(ctx, "K1", batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range outs {
			if o.Duplicate || o.Cursor != uint64(i+1) || o.Result.State != txn.Approved {
				t.Fatalf("first put %d: %+v", i, o)
			}
		}
		batch[1].Result.Code = "changed" // a resend must get the first result back
		again, err := s.PutBatch(ctx, "K1", append(batch, Entry("K1", "d", 4)))
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range again[:3] {
			if !o.Duplicate || o.Cursor != outs[i].Cursor || o.Result.Code != "accepted" {
				t.Fatalf("resend %d: %+v", i, o)
			}
		}
		if again[3].Duplicate || again[3].Cursor != 4 {
			t.Fatalf("new entry in resend: %+v", again[3])
		}
		if n, err := s.Count(ctx); err != nil || n != 4 {
			t.Fatalf("Count = %d %v", n, err)
		}
	})
	t.Run("DuplicateWithinBatch", func(t *testing.T) {
		s := open(t)
		outs, err := s.PutBatch(ctx, "K1", []hall.Entry{Entry("K1", "a", 1), Entry("K1", "a", 1)})
		if err != nil {
			t.Fatal(err)
		}
		if outs[0].Duplicate || !outs[1].Duplicate {
			t.Fatalf("outcomes %+v", outs)
		}
		if n, _ := s.Count(ctx); n != 1 {
			t.Fatalf("Count = %d", n)
		}
	})
	t.Run("KeyIncludesKiosk", func(t *testing.T) {
		s := open(t)
		s.PutBatch(ctx, "K1", []hall.Entry{Entry("K1", "same", 1)})
		outs, err := s.PutBatch(ctx, "K2", []hall.Entry{Entry("K2", "same", 1)})
		if err != nil || outs[0].Duplicate {
			t.Fatalf("K2's transaction taken for K1's: %+v %v", outs, err)
		}
		if n, _ := s.Count(ctx); n != 2 {
			t.Fatalf("Count = %d", n)
		}
	})
	t.Run("ResultsSince", func(t *testing.T) {
		s := open(t)
		for i := 0; i < 5; i++ {
			id := fmt.Sprintf("t%d", i)
			if _, err := s.PutBatch(ctx, "K1", []hall.Entry{Entry("K1", id, uint64(i+1))}); err != nil {
				t.Fatal(err)
			}
		}
		s.PutBatch(ctx, "K2", []hall.Entry{Entry("K2", "x", 1)})
		rs, err := s.Results(ctx, "K1", 2, 2)
		if err != nil || len(rs) != 2 || rs[0].ID != "t2" || rs[0].Cursor != 3 || rs[1].ID != "t3" {
			t.Fatalf("Results(since 2, limit 2) = %+v %v", rs, err)
		}
		if rs, _ := s.Results(ctx, "K1", 5, 10); len(rs) != 0 {
			t.Fatalf("Results past the end = %+v", rs)
		}
		if rs, _ := s.Results(ctx, "nobody", 0, 10); len(rs) != 0 {
			t.Fatalf("Results of unknown kiosk = %+v", rs)
		}
	})
	t.Run("ListOpensTaxpayer", func(t *testing.T) {
		s := open(t)
		s.PutBatch(ctx, "K2", []hall.Entry{Entry("K2", "z", 1)})
		s.PutBatch(ctx, "K1", []hall.Entry{Entry("K1", "b", 1), Entry("K1", "a", 2)})
		es, err := s.List(ctx)
		if err != nil || len(es) != 3 {
			t.Fatalf("List = %d %v", len(es), err)
		}
		if es[0].Txn.KioskID != "K1" || es[0].Txn.ID != "b" || es[1].Txn.ID != "a" || es[2].Txn.KioskID != "K2" {
			t.Fatalf("List order: %s/%s %s/%s %s/%s", es[0].Txn.KioskID, es[0].Txn.ID,
				es[1].Txn.KioskID, es[1].Txn.ID, es[2].Txn.KioskID, es[2].Txn.ID)
		}
		if es[0].Txn.Taxpayer == nil || *es[0].Txn.Taxpayer != Persona || !es[0].ReceivedAt.Equal(t0) ||
			es[0].Result.State != txn.Approved || string(es[0].Txn.Body) != ZeroReturn {
			t.Fatalf("listed entry %+v", es[0])
		}
	})
	t.Run("ConcurrentResends", func(t *testing.T) {
		s := open(t)
		var batch []hall.Entry
		for i := 0; i < 50; i++ {
			batch = append(batch, Entry("K1", fmt.Sprintf("c%02d", i), uint64(i+1)))
		}
		var wg sync.WaitGroup
		fresh := make([]int, 6)
		for g := range fresh {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs, err := s.PutBatch(ctx, "K1", batch)
				if err != nil {
					t.Error(err)
					return
				}
				for _, o := range outs {
					if !o.Duplicate {
						fresh[g]++
					}
				}
			}()
		}
		wg.Wait()
		total := 0
		for _, n := range fresh {
			total += n
		}
		if n, _ := s.Count(ctx); n != 50 || total != 50 {
			t.Fatalf("Count = %d, fresh outcomes = %d, want 50 and 50", n, total)
		}
	})
	t.Run("EvidenceKept", func(t *testing.T) {
		s := open(t)
		// The batch's bytes hold the persona: backends check they are not stored in clear.
		ev := &hall.Evidence{Body: []byte(`{"kiosk_id":"K1","txns":[` + Persona.Name + Persona.IDNumber + Persona.Address + `]}`), Signature: "c2lnbmF0dXJl"}
		a, b := Entry("K1", "a", 1), Entry("K1", "b", 2)
		a.Evidence, b.Evidence = ev, ev
		if _, err := s.PutBatch(ctx, "K1", []hall.Entry{a, b, Entry("K1", "plain", 3)}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"a", "b"} {
			got, err := s.Evidence(ctx, "K1", id)
			if err != nil || string(got.Body) != string(ev.Body) || got.Signature != ev.Signature {
				t.Fatalf("Evidence(K1, %s) = %q %q %v", id, got.Body, got.Signature, err)
			}
		}
		for _, c := range [][2]string{{"K1", "plain"}, {"K1", "nothing"}, {"K9", "a"}} {
			if _, err := s.Evidence(ctx, c[0], c[1]); !errors.Is(err, hall.ErrNotFound) {
				t.Errorf("Evidence(%s, %s): %v, want ErrNotFound", c[0], c[1], err)
			}
		}
		if es, _ := s.List(ctx); len(es) != 3 || es[0].Evidence != nil {
			t.Fatalf("List gives evidence: %+v", es)
		}
	})
	t.Run("SeqOutcomes", func(t *testing.T) {
		s := open(t)
		put := func(es ...hall.Entry) []hall.Outcome {
			t.Helper()
			outs, err := s.PutBatch(ctx, "K1", es)
			if err != nil {
				t.Fatal(err)
			}
			return outs
		}
		type o struct {
			dup    bool
			before uint64
			heldBy string
		}
		check := func(what string, got []hall.Outcome, want ...o) {
			t.Helper()
			for i, w := range want {
				if g := got[i]; g.Duplicate != w.dup || g.SeqBefore != w.before || g.SeqHeldBy != w.heldBy {
					t.Errorf("%s %d: %+v, want %+v", what, i, g, w)
				}
			}
		}
		check("first", put(Entry("K1", "a", 1), Entry("K1", "b", 2)), o{false, 0, ""}, o{false, 1, ""})
		check("resend", put(Entry("K1", "a", 1), Entry("K1", "b", 2)), o{dup: true}, o{dup: true})
		check("gap", put(Entry("K1", "e", 5)), o{false, 2, ""})
		check("repeat", put(Entry("K1", "x", 2)), o{false, 5, "b"})
		check("late filler", put(Entry("K1", "c", 3)), o{false, 5, ""})
		check("no seq", put(Entry("K1", "n", 0)), o{false, 0, ""})
		check("other kiosk", func() []hall.Outcome {
			outs, _ := s.PutBatch(ctx, "K2", []hall.Entry{Entry("K2", "a", 1)})
			return outs
		}(), o{false, 0, ""})
	})
	t.Run("Alarms", func(t *testing.T) {
		s := open(t)
		if as, err := s.Alarms(ctx); err != nil || len(as) != 0 {
			t.Fatalf("Alarms of a new store = %+v %v", as, err)
		}
		want := []hall.Alarm{
			{At: t0, KioskID: "K1", Kind: hall.AlarmSeqGap, Detail: "seq 3 to 4 missing before e"},
			{At: t0.Add(time.Second), KioskID: "K2", Kind: hall.AlarmManyPeople, Detail: "21 ID numbers within 1h0m0s"},
		}
		if err := s.PutAlarms(ctx, want[:1]); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAlarms(ctx, want[1:]); err != nil {
			t.Fatal(err)
		}
		got, err := s.Alarms(ctx)
		if err != nil || len(got) != 2 {
			t.Fatalf("Alarms = %+v %v", got, err)
		}
		for i := range want {
			if !got[i].At.Equal(want[i].At) || got[i].KioskID != want[i].KioskID || got[i].Kind != want[i].Kind || got[i].Detail != want[i].Detail {
				t.Errorf("alarm %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	})
	t.Run("PaymentsIndexed", func(t *testing.T) {
		s := open(t)
		pay := Entry("K2", "p", 2)
		pay.Txn.Kind = txn.KindTaxPayment
		pay.Txn.Body = []byte(`{"credit_code":"91410400MA9KWB3N7Q","items":["GY-2026-11-VAT"],"total":"18452.37"}`)
		s.PutBatch(ctx, "K2", []hall.Entry{Entry("K2", "v", 1), pay})
		s.PutBatch(ctx, "K1", []hall.Entry{Entry("K1", "v", 1)})
		ps, err := s.Payments(ctx)
		if err != nil || len(ps) != 1 {
			t.Fatalf("Payments = %+v %v", ps, err)
		}
		if p := ps[0]; p.Txn.ID != "p" || p.Txn.KioskID != "K2" || p.Txn.Taxpayer != nil || string(p.Txn.Body) != string(pay.Txn.Body) || p.Cursor != 2 {
			t.Fatalf("payment %+v", p)
		}
		rs, err := s.Returns(ctx)
		if err != nil || len(rs) != 2 || rs[0].Txn.KioskID != "K1" || rs[1].Txn.KioskID != "K2" || rs[1].Txn.ID != "v" || rs[0].Txn.Taxpayer != nil {
			t.Fatalf("Returns = %+v %v", rs, err)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		s := open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.PutBatch(cctx, "K1", []hall.Entry{Entry("K1", "a", 1)}); err == nil {
			t.Fatal("PutBatch with a cancelled context succeeded")
		}
		if n, _ := s.Count(ctx); n != 0 {
			t.Fatalf("Count = %d after cancelled put", n)
		}
	})
}
