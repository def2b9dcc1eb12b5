package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a directory where the kiosk writes a CPU profile of its whole run
// (cpu.pprof) and a heap profile taken when its UI loop ends (heap.pprof), for
// `go tool pprof`. The firmware links no HTTP server for net/http/pprof: a kiosk never
// listens on the network, so profiles go to files, and only when asked.
const profileEnv = "KIOSK_PROFILE"

// startProfile starts the CPU profile if profileEnv is set; the returned function stops it
// and writes the heap profile. Without the variable both do nothing.
func startProfile() (stop func() error, err error) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() error { return nil }, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return nil, fmt.Errorf("profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := cpu.Close(); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		heap, err := os.Create(filepath.Join(dir, "heap.pprof"))
		if err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		runtime.GC() // the profile shows what is live, not garbage not yet collected
		if err := pprof.Lookup("heap").WriteTo(heap, 0); err != nil {
			heap.Close()
			return fmt.Errorf("profile: %w", err)
		}
		return heap.Close()
	}, nil
}
