package boltstore

import (
	"context"
	"testing"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/txn"
)

// BenchmarkPutBatch stores batches of 100 new transactions (random UUIDs, as kiosks send
// them) into a store that grows with b.N; one commit and fsync per batch.
func BenchmarkPutBatch(b *testing.B) {
	s, _ := open(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch := make([]hall.Entry, 100)
		for j := range batch {
			batch[j] = storetest.Entry("K1", txn.NewID(), uint64(i*100+j))
		}
		if _, err := s.PutBatch(ctx, "K1", batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/txn")
}
