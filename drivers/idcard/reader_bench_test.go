package idcard_test

import (
	"context"
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
)

// BenchmarkReadCard times a full ReadCard (find, select, read text+photo) at 115200 baud
// over a pty against the simulator, which paces its bytes as the wire would. wire-ratio is
// the time per read less the simulator's scripted delays, over the time the bytes of both
// directions need on the wire at 10 bits per byte; 1.00 would be a driver that adds nothing.
func BenchmarkReadCard(b *testing.B) {
	const baud = 115200
	rg := newRig(b, &idcardsim.Opts{Baud: baud}, nil)
	p := persona(b, "resident-male")
	d := rg.sim.Delays()
	scripted := d.Find + d.Select + d.Read

	const request = 10 // AA AA AA 96 69 00 03 CMD PARA CHK
	answer := func(data int) int { return 7 + 3 + data + 1 }
	bytesPerRead := 3*request + answer(0) + answer(0) + answer(2+2+idcard.TextLen+idcardsim.PhotoLen)
	wire := time.Duration(int64(bytesPerRead) * 10 * int64(time.Second) / baud)

	ctx := context.Background()
	b.ResetTimer()
	var busy time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rg.sim.Place(p.Card, p.Card.Photo)
		b.StartTimer()
		start := time.Now()
		if _, err := rg.reader.ReadCard(ctx); err != nil {
			b.Fatal(err)
		}
		busy += time.Since(start)
	}
	per := busy / time.Duration(b.N)
	b.ReportMetric(float64(per-scripted)/float64(wire), "wire-ratio")
	b.ReportMetric(float64(per)/float64(time.Millisecond), "ms/read")
	b.ReportMetric(float64(wire)/float64(time.Millisecond), "wire-ms")
	b.ReportMetric(float64(scripted)/float64(time.Millisecond), "scripted-ms")
}
