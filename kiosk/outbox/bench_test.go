package outbox

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// BenchmarkEnqueue measures the durable enqueue a taxpayer waits on: a VAT return with
// sealed personal data committed and fsync'd to a real bbolt file under b.TempDir (so
// TMPDIR decides the disk). Besides ns/op it reports the latency percentiles p50-ms, p99-ms
// and max-ms over every enqueue of the run; use -benchtime=2000x or more for a stable p99.
func BenchmarkEnqueue(b *testing.B) {
	key, err := seal.NewKey(make([]byte, seal.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K-BENCH", Key: key,
		AmountOf: AmountField(map[txn.Kind]string{txn.KindVATReturn: "tax_payable"})})
	if err != nil {
		b.Fatal(err)
	}
	defer ob.Close()
	body := []byte(`{"period":{"type":"quarterly","year":2026,"index":3},"sales_3pct":"120000.00","sales_1pct":"0.00","exempt_sales":"0.00","tax_payable":"3600.00","zero_return":false}`)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tp := persona
		start := time.Now()
		if _, err := ob.Enqueue(ctx, txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp, Body: body}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
	if p, _ := ob.PendingByKind(); p[txn.KindVATReturn].Amount != money.Amount(b.N)*360000 {
		b.Fatalf("pending amount %v after %d enqueues", p[txn.KindVATReturn].Amount, b.N)
	}
}
