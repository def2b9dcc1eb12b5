package screens

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/terminal"
)

// soakVisits is how many visits TestSoak runs: KIOSK_SOAK_VISITS, or 40 by default so that
// every CI run walks the loop and catches a leak above about 55 KiB a visit (see
// soakHeapAllowance). The long run, whose figures the README gives, is a benchmark command
// run by hand; it catches a leak above about 5 KiB a visit:
//
//	KIOSK_SOAK_VISITS=2000 go test ./ui/screens -run TestSoak -v -timeout 2h
func soakVisits(t *testing.T) int {
	if s := os.Getenv("KIOSK_SOAK_VISITS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KIOSK_SOAK_VISITS=%q", s)
		}
		return n
	}
	return 40
}

// soakWarmup visits run before the first measurement, so that caches, pools and the font's
// glyphs filled once do not count as growth.
const soakWarmup = 20

type soakFigures struct {
	heap       uint64 // live heap after a full collection, bytes
	goroutines int
}

// measure lets Fyne drop the renderers of the screens left behind before it reads the heap.
// Fyne keeps a widget's renderer for FYNE_CACHE after its last use (a minute by default) and
// cleans at most every ten seconds, on a paint: so the soak runs with FYNE_CACHE=1s, and
// measure waits out the ten seconds and paints.
func (h *harness) measure() soakFigures {
	time.Sleep(11 * time.Second)
	h.win.Canvas().Capture()
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return soakFigures{heap: m.HeapAlloc, goroutines: runtime.NumGoroutine()}
}

// TestSoak runs visits through the screens' logic against the simulators and the hall, in
// turn: a VAT return with its receipt and a rating, a visit that leaves without a service,
// an invoice checked with the hall, and a queue ticket taken without a card. It reports the
// live heap and goroutines after the warm-up and at the end, and fails on growth beyond
// noise, an allowance that grows with the number of visits: a leak of a few kilobytes per
// visit shows over a long run.
func TestSoak(t *testing.T) {
	if os.Getenv("FYNE_CACHE") == "" {
		// Fyne reads FYNE_CACHE when the process starts: run the soak in a child that has it,
		// beside the other tests, since it touches nothing of this process.
		t.Parallel()
		cmd := exec.Command(os.Args[0], "-test.run=^TestSoak$", "-test.v")
		cmd.Env = append(os.Environ(), "FYNE_CACHE=1s")
		out, err := cmd.CombinedOutput()
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "soak") || strings.Contains(line, "_test.go") {
				t.Log(strings.TrimSpace(line))
			}
		}
		if err != nil {
			t.Fatalf("soak: %v", err)
		}
		return
	}
	visits := soakVisits(t)
	h := newHarnessTuned(t, nil, func(_ *config.Config, o *terminal.Opts) { o.PollEvery = 50 * time.Millisecond })
	h.app.SetNetwork(NetState{Online: true})
	for !h.term.Link().Online {
		time.Sleep(20 * time.Millisecond)
	}
	var start soakFigures
	began := time.Now()
	for i := range visits + soakWarmup {
		if i == soakWarmup {
			start = h.measure()
			began = time.Now()
		}
		h.visit(i)
		h.demo.Printer.TakeReceipts()
	}
	took := time.Since(began)
	end := h.measure()
	if os.Getenv("KIOSK_SOAK_STACKS") != "" {
		buf := make([]byte, 1<<20)
		t.Logf("soak: goroutines at the end:\n%s", buf[:runtime.Stack(buf, true)])
	}
	t.Logf("soak: visits=%d heap_start=%.1fMiB heap_end=%.1fMiB goroutines_start=%d goroutines_end=%d took=%s (%.0f ms/visit)",
		visits, mib(start.heap), mib(end.heap), start.goroutines, end.goroutines, took.Round(time.Second),
		float64(took.Milliseconds())/float64(visits))
	if end.goroutines > start.goroutines+10 { // kept-alive connections to the hall come and go
		t.Errorf("goroutines grew from %d to %d", start.goroutines, end.goroutines)
	}
	if allowed := soakHeapAllowance(visits); end.heap > start.heap+allowed {
		t.Errorf("live heap grew from %.1f MiB to %.1f MiB, more than the %.1f MiB allowed for %d visits",
			mib(start.heap), mib(end.heap), mib(allowed), visits)
	}
}

// The live heap may grow by soakHeapNoise, what a collection leaves behind from run to run
// (pools, the hall connection's buffers), plus soakHeapPerVisit for every visit: a leak of
// more than soakHeapPerVisit + soakHeapNoise/visits per visit fails, about 55 KiB over the
// default 40 visits and 5 KiB over 2,000. The README's 2,000-visit run grew by 0.1 MiB.
const (
	soakHeapNoise    = 2 << 20
	soakHeapPerVisit = 4 << 10
)

func soakHeapAllowance(visits int) uint64 {
	return soakHeapNoise + uint64(visits)*soakHeapPerVisit
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// visit is one taxpayer's visit of the kind i selects, ending on the idle screen.
func (h *harness) visit(i int) {
	h.t.Helper()
	switch i % 4 {
	case 0: // a zero VAT return, its receipt, and a rating
		h.identify("resident-male")
		h.tap("service.vat.title")
		h.tap("filer.self")
		h.tap("vat.next")
		h.tap("confirm.submit")
		h.waitScreen(ScreenResult)
		h.tap("common.finish")
		pumpUntil[desk.SessionEnded](h)
		h.tap("rate.level.5")
		h.tap("rate.submit")
	case 1: // identified, looked around, left
		h.identify("resident-female")
		h.tap("common.finish")
		pumpUntil[desk.SessionEnded](h)
	case 2: // an invoice scanned and checked with the hall
		if err := h.demo.ScanSample(0); err != nil {
			h.t.Fatal(err)
		}
		pumpUntil[scan.Scanned](h)
		h.waitScreen(ScreenScan)
		h.tap("verify.ask")
		h.waitFor("the hall's answer", func() bool { return h.app.scan.verify != nil })
		h.tap("common.back")
	case 3: // a queue ticket, no card needed
		h.tap("queue.button")
		h.tap("queue.invoice")
		h.waitScreen(ScreenTicket)
		h.tap("queue.ticket.ok")
	}
	h.waitScreen(ScreenIdle)
	h.demo.LiftCard()
}

func (h *harness) identify(persona string) {
	h.t.Helper()
	if err := h.demo.PlaceCard(persona); err != nil {
		h.t.Fatal(err)
	}
	pumpUntil[desk.SessionStarted](h)
	h.waitScreen(ScreenWelcome)
}
