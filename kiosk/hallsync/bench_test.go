package hallsync

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// BenchmarkDrain drains the same queue of DRAIN_N (default 10,000) transactions to a real
// hall process on loopback twice in one run: in batches of 100, and one request per
// transaction. It reports both costs per transaction and x-vs-single, the speed-up of
// batching. Every commit on both sides is fsync'd, so the figures depend on the disk; run
// with -benchtime=1x (one drain is already many seconds).
func BenchmarkDrain(b *testing.B) {
	n := 10000
	if v := os.Getenv("DRAIN_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := b.TempDir()
	seed := filepath.Join(dir, "seed.db")
	ob := openOutbox(b, seed, "K-BENCH")
	start := time.Now()
	enqueue(b, ob, n)
	b.Logf("prepared %d queued transactions in %v", n, time.Since(start).Round(time.Millisecond))
	ob.Close()

	drain := func(mode string, batch int) time.Duration {
		path := filepath.Join(dir, mode+".db")
		copyFile(b, seed, path)
		h := startHall(b, filepath.Join(dir, "hall-"+mode))
		ob := openOutbox(b, path, "")
		s := New(ob, &hallapi.Client{BaseURL: h.URL}, &Opts{BatchSize: batch})
		start := time.Now()
		if _, err := s.drain(context.Background()); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		if st := ob.Stats(); st.Counts[txn.Approved] != n {
			b.Fatalf("%s: %d approved of %d", mode, st.Counts[txn.Approved], n)
		}
		h.stop()
		return d
	}
	b.ResetTimer()
	var batched, single time.Duration
	for i := 0; i < b.N; i++ {
		batched += drain("batched"+strconv.Itoa(i), 100)
		single += drain("single"+strconv.Itoa(i), 1)
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n*b.N) }
	b.ReportMetric(per(batched), "ns/txn-batched")
	b.ReportMetric(per(single), "ns/txn-single")
	b.ReportMetric(float64(single)/float64(batched), "x-vs-single")
}

func copyFile(b *testing.B, from, to string) {
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
}
