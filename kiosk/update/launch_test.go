package update

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The firmware in these tests is a real process: a shell script in the version's directory
// that notes its start in a run log and then runs this test binary as a helper, in one of the
// modes below, so that the launcher supervises processes exactly as it supervises the kiosk.
const (
	modeGood   = "good"   // marks the version on trial good, then runs until SIGTERM
	modeHang   = "hang"   // never reports ready: runs until SIGTERM
	modeCrash  = "crash"  // exits 3 at once
	modeSwitch = "switch" // switches to the pending version and exits ExitSwitched
)

func TestMain(m *testing.M) {
	if mode := os.Getenv("UPDATE_HELPER"); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// helper is the firmware (or, with UPDATE_CRASH_AT, a switch that loses power) in a child
// process. UPDATE_DIR is the store.
func helper(mode string) int {
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	opts := Opts{Dir: os.Getenv("UPDATE_DIR"), Trial: time.Minute}
	if at := os.Getenv("UPDATE_CRASH_AT"); at != "" {
		opts.crash = func(step string) {
			if step == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal arrives before anything else happens
			}
		}
	}
	s, err := New(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	switch mode {
	case "switch-to":
		seq := s.Pending()
		if err := s.Switch(seq); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "abandon":
		if _, err := s.Abandon("test"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case modeCrash:
		return 3
	case modeSwitch:
		if err := s.Switch(s.Pending()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return ExitSwitched
	case modeGood:
		if _, _, on := s.OnTrial(); on {
			if err := s.MarkGood(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	}
	<-term
	return 0
}

// rig is a firmware store with a packaged fallback, as a kiosk PC has after installing the
// Debian package.
type rig struct {
	t        *testing.T
	dir      string // the store
	runLog   string // each firmware start appends "started SEQ"
	fallback string
	key      ed25519.PrivateKey
	slots    *Slots
}

func newRig(t *testing.T, packagedMode string, trial time.Duration) *rig {
	t.Helper()
	_, key := keyPair(1)
	root := t.TempDir()
	r := &rig{t: t, dir: filepath.Join(root, "firmware"), runLog: filepath.Join(root, "runs"), key: key}
	r.fallback = filepath.Join(root, "kiosk")
	if err := os.WriteFile(r.fallback, r.script(packagedMode), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Opts{Dir: r.dir, Policy: Policy{Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, DeviceType: "taxkiosk-amd64"},
		Trial: trial})
	if err != nil {
		t.Fatal(err)
	}
	r.slots = s
	return r
}

// script is a firmware program that runs the helper in mode.
func (r *rig) script(mode string) []byte {
	self, err := os.Executable()
	if err != nil {
		r.t.Fatal(err)
	}
	return fmt.Appendf(nil, "#!/bin/sh\necho \"started $TAXKIOSK_FIRMWARE_VERSION\" >> %q\nUPDATE_HELPER=%s UPDATE_DIR=%q exec %q\n",
		r.runLog, mode, r.dir, self)
}

// install installs version seq whose kiosk runs the helper in mode.
func (r *rig) install(seq uint64, mode string) {
	r.t.Helper()
	if _, err := r.slots.Install(r.bundle(seq, mode)); err != nil {
		r.t.Fatal(err)
	}
}

// bundle is a signed bundle of version seq whose kiosk runs the helper in mode.
func (r *rig) bundle(seq uint64, mode string) *bytes.Buffer {
	r.t.Helper()
	var b bytes.Buffer
	if err := Build(&b, Manifest{DeviceType: "taxkiosk-amd64", Sequence: seq, Version: fmt.Sprintf("1.%d.0", seq)},
		map[string][]byte{"kiosk": r.script(mode)}, r.key); err != nil {
		r.t.Fatal(err)
	}
	return &b
}

// running makes version seq (helper mode good) the committed, running version.
func (r *rig) running(seq uint64) {
	r.t.Helper()
	r.install(seq, modeGood)
	if err := r.slots.Switch(seq); err != nil {
		r.t.Fatal(err)
	}
	if err := r.slots.MarkGood(); err != nil {
		r.t.Fatal(err)
	}
}

// onTrialAfterARun switches to version seq (helper mode) as a trial the launcher has run once.
func (r *rig) onTrialAfterARun(seq uint64, mode string) {
	r.t.Helper()
	r.install(seq, mode)
	if err := r.slots.Switch(seq); err != nil {
		r.t.Fatal(err)
	}
	st, _ := r.slots.loadState()
	st.Started = true // what the launcher wrote when it started it
	if err := r.slots.saveState(st); err != nil {
		r.t.Fatal(err)
	}
}

// launch runs the real launcher until the run log shows want starts, then stops it as
// systemd would, and returns the starts in order.
func (r *rig) launch(want int) []string {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Launch(ctx, LaunchOpts{Slots: r.slots, Fallback: r.fallback, Stdout: os.Stderr})
		done <- err
	}()
	runs := func() []string {
		b, _ := os.ReadFile(r.runLog)
		return strings.Fields(strings.ReplaceAll(string(b), "started ", "started_"))
	}
	deadline := time.Now().Add(30 * time.Second) // only keeps a broken launcher from hanging the test
	for len(runs()) < want && time.Now().Before(deadline) {
		select {
		case err := <-done:
			r.t.Fatalf("the launcher returned early (%v) after %v", err, runs())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// The last start has had time to mark itself good when it was going to: wait until its
	// trial is over or it is plainly not going to be.
	for i := 0; i < 100; i++ {
		if _, _, on := r.slots.OnTrial(); !on {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		r.t.Fatal(err)
	}
	return runs()
}

// TestLaunchRollsBackAVersionThatNeverReportsReady: version 2 runs but never marks itself
// good; at the trial's deadline the launcher stops it and starts the packaged firmware, and
// version 2 is never switched to again.
func TestLaunchRollsBackAVersionThatNeverReportsReady(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, 300*time.Millisecond)
	r.install(2, modeHang)
	if err := r.slots.Switch(2); err != nil {
		t.Fatal(err)
	}
	runs := r.launch(2)
	if !slices.Equal(runs, []string{"started_2", "started_0"}) {
		t.Fatalf("starts %v, want version 2 then the packaged firmware", runs)
	}
	if c := r.slots.Current(); c != 0 {
		t.Fatalf("current is %d after the rollback", c)
	}
	if p := r.slots.Pending(); p != 0 {
		t.Fatalf("version %d is pending again after it was rolled back", p)
	}
	es, _ := r.slots.Entries()
	last := es[len(es)-1]
	if last.Step != StepRolledBack || last.Sequence != 2 || !strings.Contains(last.Reason, "back to the packaged firmware") {
		t.Fatalf("last step %+v", last)
	}
}

// TestLaunchRollsBackAVersionThatCrashes: version 3 exits at once; the launcher goes back to
// version 2, which was good, without waiting for the deadline.
func TestLaunchRollsBackAVersionThatCrashes(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	r.running(2)
	r.install(3, modeCrash)
	r.slots.Switch(3)
	runs := r.launch(2)
	if !slices.Equal(runs, []string{"started_3", "started_2"}) {
		t.Fatalf("starts %v, want version 3 then 2", runs)
	}
	if c := r.slots.Current(); c != 2 {
		t.Fatalf("current is %d", c)
	}
	es, _ := r.slots.Entries()
	if last := es[len(es)-1]; last.Step != StepRolledBack || !strings.Contains(last.Reason, "exit status 3") {
		t.Fatalf("last step %+v", last)
	}
}

// TestLaunchStartsTheNewVersionAfterASwitch: the running firmware switches at its idle
// moment and exits ExitSwitched; the launcher starts the new version at once, which marks
// itself good. A restart after that keeps it.
func TestLaunchStartsTheNewVersionAfterASwitch(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeSwitch, time.Hour)
	r.install(4, modeGood)
	runs := r.launch(2)
	if !slices.Equal(runs, []string{"started_0", "started_4"}) {
		t.Fatalf("starts %v, want the packaged firmware then version 4", runs)
	}
	if _, _, on := r.slots.OnTrial(); on || r.slots.Current() != 4 {
		t.Fatalf("version 4 not kept: current %d, on trial %v", r.slots.Current(), on)
	}
	if got := r.launch(3); got[2] != "started_4" {
		t.Fatalf("after a restart: %v", got)
	}
	want := []Step{StepVerified, StepSwitched, StepHealthy}
	if !slices.Equal(stepsOf(t, r.slots), want) {
		t.Fatalf("steps %v, want %v", stepsOf(t, r.slots), want)
	}
}

// TestLaunchRollsBackATrialCutShort: the machine lost power while version 5 was on trial
// (it had been started, never marked good). At the next boot the launcher does not give it a
// second run.
func TestLaunchRollsBackATrialCutShort(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	r.onTrialAfterARun(5, modeGood)
	if runs := r.launch(1); !slices.Equal(runs, []string{"started_0"}) {
		t.Fatalf("starts %v, want the packaged firmware only", runs)
	}
}

// TestCrashAtEachStepOfASwitchLeavesABootableVersion kills a real process switching from
// version 1 to 2 after each step that changes the disk, then boots the launcher on what is
// left: it must start version 1 or 2 (never fail, never the packaged firmware), and version
// 2 only as a trial that can still be rolled back.
func TestCrashAtEachStepOfASwitchLeavesABootableVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		at   string
		want string // the version the launcher starts
	}{
		{"state-tmp", "started_1"}, // state.json.new written, not renamed
		{"state", "started_1"},     // the trial recorded, the link not touched
		{"link-tmp", "started_1"},  // current.new made beside current
		{"link", "started_2"},      // the link switched: version 2 runs on trial
	} {
		t.Run(tc.at, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, modeCrash, time.Hour) // the packaged firmware must not be needed
			r.running(1)
			r.install(2, modeGood)

			self, _ := os.Executable()
			cmd := exec.Command(self)
			cmd.Env = append(os.Environ(), "UPDATE_HELPER=switch-to", "UPDATE_DIR="+r.dir, "UPDATE_CRASH_AT="+tc.at)
			err := cmd.Run()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the switch was not killed at %s: %v", tc.at, err)
			}
			runs := r.launch(1)
			if len(runs) != 1 || runs[0] != tc.want {
				t.Fatalf("after a crash at %s the launcher started %v, want %s", tc.at, runs, tc.want)
			}
			if tc.want == "started_2" {
				if _, _, on := r.slots.OnTrial(); on {
					t.Fatal("version 2 ran but is still on trial")
				}
			} else if r.slots.Pending() != 2 {
				t.Fatalf("the interrupted switch cannot be done again: pending %d", r.slots.Pending())
			}
		})
	}
}

// TestCrashDuringARollbackNeverRunsTheFailedVersion kills the launcher's rollback after each
// step: the version rolled back from must not run again, nor be switched to again.
func TestCrashDuringARollbackNeverRunsTheFailedVersion(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"state-tmp", "state", "link-tmp", "link"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, modeCrash, time.Hour)
			r.running(1)
			r.onTrialAfterARun(2, modeHang) // it stopped; the launcher rolls back

			self, _ := os.Executable()
			cmd := exec.Command(self)
			cmd.Env = append(os.Environ(), "UPDATE_HELPER=abandon", "UPDATE_DIR="+r.dir, "UPDATE_CRASH_AT="+at)
			cmd.Run()
			runs := r.launch(1)
			if !slices.Equal(runs, []string{"started_1"}) {
				t.Fatalf("after a crash at %s during the rollback the launcher started %v", at, runs)
			}
			if p := r.slots.Pending(); p != 0 {
				t.Fatalf("version %d is pending again", p)
			}
		})
	}
}

func stepsOf(t *testing.T, s *Slots) []Step {
	t.Helper()
	es, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var out []Step
	for _, e := range es {
		out = append(out, e.Step)
	}
	return out
}
