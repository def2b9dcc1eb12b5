package update

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// upgradePackage is what installing a newer taxkiosk .deb does to a kiosk PC: the packaged
// firmware now carries sequence packaged (its SEQUENCE file), and the launcher of the next
// start opens the store knowing it.
func (r *rig) upgradePackage(packaged uint64) {
	r.t.Helper()
	s, err := New(Opts{Dir: r.dir, Policy: r.slots.opts.Policy, Trial: r.slots.opts.Trial, Packaged: packaged})
	if err != nil {
		r.t.Fatal(err)
	}
	r.slots = s
}

// TestLaunchRunsANewerPackageOverAnOlderBundle: bundle 2 is current and good when the
// package is upgraded to sequence 5. The next start runs the packaged firmware (as version
// 5), bundle 2 is never switched back to, a bundle 4 is refused as older, and a bundle 6 is
// taken as an update again.
func TestLaunchRunsANewerPackageOverAnOlderBundle(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	r.running(2)
	r.upgradePackage(5)
	if runs := r.launch(1); !slices.Equal(runs, []string{"started_5"}) {
		t.Fatalf("starts %v, want the packaged firmware as version 5", runs)
	}
	if c := r.slots.Current(); c != 0 {
		t.Fatalf("current is still bundle %d after the package upgrade", c)
	}
	if p := r.slots.Pending(); p != 0 {
		t.Fatalf("bundle %d, older than the package, is pending", p)
	}
	es, _ := r.slots.Entries()
	if last := es[len(es)-1]; last.Step != StepSuperseded || last.Sequence != 2 {
		t.Fatalf("last step %+v, want bundle 2 superseded", last)
	}
	if _, err := r.slots.Install(r.bundle(4, modeGood)); !errors.Is(err, ErrNotNewer) {
		t.Fatalf("bundle 4 under package 5: %v, want ErrNotNewer", err)
	}
	if _, err := r.slots.Install(r.bundle(6, modeGood)); err != nil {
		t.Fatal(err)
	}
	if p := r.slots.Pending(); p != 6 {
		t.Fatalf("pending %d, want bundle 6", p)
	}
	// A second start changes nothing: the step happens once.
	if runs := r.launch(2); runs[1] != "started_5" {
		t.Fatalf("after a restart: %v", runs)
	}
	if n := countSteps(t, r.slots, StepSuperseded); n != 1 {
		t.Fatalf("%d superseded steps, want 1", n)
	}
}

// TestLaunchKeepsABundleNewerThanThePackage: a package reinstalled or upgraded to a sequence
// below the current bundle's changes nothing.
func TestLaunchKeepsABundleNewerThanThePackage(t *testing.T) {
	t.Parallel()
	for _, packaged := range []uint64{0, 5, 7} {
		t.Run(fmt.Sprint(packaged), func(t *testing.T) {
			t.Parallel()
			r := newRig(t, modeGood, time.Hour)
			r.running(7)
			r.upgradePackage(packaged)
			if runs := r.launch(1); !slices.Equal(runs, []string{"started_7"}) {
				t.Fatalf("starts %v, want bundle 7", runs)
			}
			if n := countSteps(t, r.slots, StepSuperseded); n != 0 {
				t.Fatalf("bundle 7 superseded by package %d", packaged)
			}
		})
	}
}

// TestPackageUpgradeDuringATrial: bundle 3 is on trial (it has run once) when the package is
// upgraded to 4. The next start runs the package; bundle 3 is dropped without a rollback
// and, being older than the package, never offered again.
func TestPackageUpgradeDuringATrial(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	r.running(2)
	r.onTrialAfterARun(3, modeGood)
	r.upgradePackage(4)
	if runs := r.launch(1); !slices.Equal(runs, []string{"started_4"}) {
		t.Fatalf("starts %v, want the packaged firmware as version 4", runs)
	}
	if _, _, on := r.slots.OnTrial(); on || r.slots.Current() != 0 || r.slots.Pending() != 0 {
		t.Fatalf("trial %v, current %d, pending %d", on, r.slots.Current(), r.slots.Pending())
	}
	if n := countSteps(t, r.slots, StepRolledBack); n != 0 {
		t.Fatalf("%d rollbacks: the trial was replaced, not failed", n)
	}
}

func countSteps(t *testing.T, s *Slots, step Step) int {
	t.Helper()
	es, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Step == step {
			n++
		}
	}
	return n
}

// TestLaunchSweepsLeftoversOfACrash: a half-unpacked bundle, a half-downloaded one and a
// half-copied USB bundle, left by processes that died, are removed when the launcher starts;
// a copy another process is still making (its lock held) is left alone, and so is the rest
// of the store.
func TestLaunchSweepsLeftoversOfACrash(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	r.running(2)
	leftovers := []string{
		filepath.Join(r.dir, "versions", ".incoming-1234", "kiosk"),
		filepath.Join(r.dir, ".download-5678"),
		filepath.Join(r.dir, ".incoming-9012.bundle"),
	}
	for _, p := range leftovers {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	busy, err := CreateTemp(r.dir, ".incoming-*.bundle")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if runs := r.launch(1); !slices.Equal(runs, []string{"started_2"}) {
		t.Fatalf("starts %v", runs)
	}
	for _, p := range append(leftovers, filepath.Join(r.dir, "versions", ".incoming-1234")) {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	if _, err := os.Stat(busy.Name()); err != nil {
		t.Errorf("the copy in the making was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "versions", "2", "kiosk")); err != nil {
		t.Errorf("the running version was touched: %v", err)
	}
}

// TestInstallIsNotSweptWhileItUnpacks: Sweep from another process while an install unpacks
// must not take its directory away.
func TestInstallIsNotSweptWhileItUnpacks(t *testing.T) {
	t.Parallel()
	r := newRig(t, modeGood, time.Hour)
	d, err := r.slots.tempDir(filepath.Join(r.dir, "versions"), ".incoming-")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	removed, err := r.slots.Sweep()
	if err != nil || len(removed) != 0 {
		t.Fatalf("swept %v (%v) while the install held it", removed, err)
	}
	d.Close()
	if removed, err := r.slots.Sweep(); err != nil || len(removed) != 1 || removed[0] != d.Name() {
		t.Fatalf("after the install ended: swept %v (%v), want %s", removed, err, d.Name())
	}
}

func TestPackagedSequence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          uint64
		err           error
	}{
		{"missing", "", 0, nil},
		{"number", "412\n", 412, nil},
		{"spaces", " 7 ", 7, nil},
		{"word", "0.1.412\n", 0, ErrPackagedSequence},
		{"empty", "", 0, ErrPackagedSequence},
	} {
		file := filepath.Join(dir, tc.name)
		if tc.name != "missing" {
			if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := PackagedSequence(file)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}
