package terminal_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain runs the end-to-end tests eight at a time unless -parallel says otherwise. Each
// kiosk spends its time waiting on ptys, timers and a loopback hall, not on the CPU, so the
// default (GOMAXPROCS: two on the build machine) would leave the run waiting on one test's
// timers after another's. Each test has its own simulators, hall, ports and data directory.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}
