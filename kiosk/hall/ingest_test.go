package hall_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/pgstore"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// BenchmarkIngest measures what a hall takes in when INGEST_KIOSKS (default 1,000) kiosks
// post at once, on loopback HTTP (no TLS: this measures the server and its store). One
// iteration is one round: every kiosk posts one batch of INGEST_BATCH (default 10) new VAT
// returns with sealed personal data, all kiosks released together. The work is bounded by
// -benchtime=Nx rounds. It reports txn/s and req/s over the whole run and the p50/p99 of a
// request's latency, and checks that the store holds exactly what was sent.
//
// Backends: bolt (a bbolt file under b.TempDir) always; postgres when HALL_TEST_POSTGRES
// names a database (its own schema, dropped afterwards).
//
//	go test -run '^$' -bench Ingest -benchtime=3x ./kiosk/hall/
func BenchmarkIngest(b *testing.B) {
	kiosks, batch := envInt("INGEST_KIOSKS", 1000), envInt("INGEST_BATCH", 10)
	key, err := seal.NewKey(bytes.Repeat([]byte{0x44}, seal.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("backend=bolt", func(b *testing.B) {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ingest(b, s, kiosks, batch)
	})
	b.Run("backend=postgres", func(b *testing.B) {
		dsn := os.Getenv("HALL_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("HALL_TEST_POSTGRES not set")
		}
		schema := fmt.Sprintf("hallbench_%d", os.Getpid())
		ctx := context.Background()
		s, err := pgstore.Open(ctx, dsn, &pgstore.Opts{Key: key, Schema: schema, Conns: 16})
		if err != nil {
			b.Fatal(err)
		}
		defer func() {
			s.Close()
			if c, err := pgx.Connect(ctx, dsn); err == nil {
				c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
				c.Close(ctx)
			}
		}()
		ingest(b, s, kiosks, batch)
	})
}

func ingest(b *testing.B, store hall.Store, kiosks, batch int) {
	srv := httptest.NewServer(hall.New(store, nil))
	defer srv.Close()
	// Every kiosk keeps its connection between rounds, as kiosks do.
	tr := &http.Transport{MaxIdleConnsPerHost: kiosks, MaxIdleConns: kiosks}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Minute}
	clients := make([]*hallapi.Client, kiosks)
	for i := range clients {
		clients[i] = &hallapi.Client{BaseURL: srv.URL, HTTP: hc}
	}
	created := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs []error
	)
	round := func(r int) {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for k := 0; k < kiosks; k++ {
			id := fmt.Sprintf("K%04d", k)
			bt := hallapi.Batch{KioskID: id, Txns: make([]txn.Txn, batch)}
			for j := range bt.Txns {
				bt.Txns[j] = txn.Txn{ID: txn.NewID(), Seq: uint64(r*batch + j + 1), KioskID: id, Kind: txn.KindVATReturn,
					CreatedAt: created, Taxpayer: &txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident"},
					Body: []byte(storetest.ZeroReturn)}
			}
			wg.Add(1)
			go func(c *hallapi.Client) {
				defer wg.Done()
				<-start
				t0 := time.Now()
				resp, err := c.SendBatch(context.Background(), bt)
				d := time.Since(t0)
				if err == nil && len(resp.Accepted) != batch {
					err = fmt.Errorf("%s: %d of %d accepted", bt.KioskID, len(resp.Accepted), batch)
				}
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}(clients[k])
		}
		close(start)
		wg.Wait()
	}
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		round(r)
	}
	b.StopTimer()
	if len(errs) > 0 {
		b.Fatalf("%d of %d requests failed, first: %v", len(errs), len(lat), errs[0])
	}
	if n, err := store.Count(context.Background()); err != nil || n != b.N*kiosks*batch {
		b.Fatalf("store holds %d transactions, %v; sent %d", n, err, b.N*kiosks*batch)
	}
	secs := b.Elapsed().Seconds()
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(float64(b.N*kiosks*batch)/secs, "txn/s")
	b.ReportMetric(float64(b.N*kiosks)/secs, "req/s")
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // one op is a whole round; the figures above say more
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
