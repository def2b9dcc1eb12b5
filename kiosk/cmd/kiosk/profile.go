package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// profileEnv names a directory where the kiosk writes a CPU profile of its whole run
// (cpu.pprof) and a heap profile taken when its UI loop ends (heap.pprof), for
// `go tool pprof`. The firmware links no HTTP server for net/http/pprof: a kiosk never
// listens on the network, so profiles go to files, and only when asked.
const profileEnv = "KIOSK_PROFILE"

// cpuProfileEnv asks for a CPU profile of a window of the kiosk's life at its idle screen:
// FILE,SECONDS[,AFTER]. The window opens AFTER seconds (default 0) after the kiosk starts
// serving (devices polled, the sync loop running) and lasts SECONDS; FILE is written when it
// closes, or when the kiosk stops first. A whole run's profile (profileEnv) also counts
// start-up, which at the idle screen is noise: this one shows what a still screen costs.
const cpuProfileEnv = "KIOSK_CPUPROFILE"

// errProfileSetting: one of the profile variables cannot be understood, or both are set
// (Go profiles the CPU once at a time).
var errProfileSetting = errors.New("profile setting")

// cpuWindow is a parsed cpuProfileEnv.
type cpuWindow struct {
	file          string
	length, after time.Duration
}

func parseCPUWindow(v string) (cpuWindow, error) {
	parts := strings.Split(v, ",")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return cpuWindow{}, fmt.Errorf("%w: %s=%q: want FILE,SECONDS[,AFTER]", errProfileSetting, cpuProfileEnv, v)
	}
	w := cpuWindow{file: parts[0]}
	for i, d := range []*time.Duration{&w.length, &w.after} {
		if i+1 >= len(parts) {
			break
		}
		s, err := time.ParseDuration(parts[i+1] + "s")
		if err != nil || s < 0 || (i == 0 && s == 0) {
			return cpuWindow{}, fmt.Errorf("%w: %s=%q: %q is not a number of seconds", errProfileSetting, cpuProfileEnv, v, parts[i+1])
		}
		*d = s
	}
	return w, nil
}

// profiler runs the profiles the environment asks for. Without either variable it does
// nothing.
type profiler struct {
	dir    string     // profileEnv
	window *cpuWindow // cpuProfileEnv

	mu      sync.Mutex
	cpu     *os.File // the CPU profile being written, nil when none runs
	stopped bool
}

// startProfile starts the whole run's CPU profile if profileEnv is set, and readies the idle
// window's if cpuProfileEnv is (Serving opens it).
func startProfile() (*profiler, error) {
	p := &profiler{dir: os.Getenv(profileEnv)}
	if v := os.Getenv(cpuProfileEnv); v != "" {
		w, err := parseCPUWindow(v)
		if err != nil {
			return nil, err
		}
		if p.dir != "" {
			return nil, fmt.Errorf("%w: %s and %s both profile the CPU; set one", errProfileSetting, profileEnv, cpuProfileEnv)
		}
		p.window = &w
	}
	if p.dir == "" {
		return p, nil
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := p.startCPU(filepath.Join(p.dir, "cpu.pprof")); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *profiler) startCPU(file string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return nil
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("profile: %w", err)
	}
	p.cpu = f
	return nil
}

func (p *profiler) stopCPU() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cpu == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := p.cpu.Close()
	p.cpu = nil
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	return nil
}

// Serving opens the idle window's profile, if one was asked for, once its time comes; report
// hears how it ended.
func (p *profiler) Serving(report func(err error, file string)) {
	if p.window == nil {
		return
	}
	w := *p.window
	go func() {
		time.Sleep(w.after)
		if err := p.startCPU(w.file); err != nil {
			report(err, w.file)
			return
		}
		time.Sleep(w.length)
		report(p.stopCPU(), w.file)
	}()
}

// Stop ends any CPU profile and, with profileEnv, writes the heap profile.
func (p *profiler) Stop() error {
	err := p.stopCPU()
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	if err != nil || p.dir == "" {
		return err
	}
	heap, err := os.Create(filepath.Join(p.dir, "heap.pprof"))
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	runtime.GC() // the profile shows what is live, not garbage not yet collected
	if err := pprof.Lookup("heap").WriteTo(heap, 0); err != nil {
		heap.Close()
		return fmt.Errorf("profile: %w", err)
	}
	return heap.Close()
}
