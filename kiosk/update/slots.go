package update

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// Step names what an Event reports.
type Step string

// The steps of an update, each one an Event.
const (
	StepDownloaded Step = "downloaded"  // a bundle was fetched from the hall (or copied from a USB stick), not yet checked
	StepVerified   Step = "verified"    // the bundle passed every check and is installed beside the running version
	StepRefused    Step = "refused"     // the bundle failed a check; Err says which
	StepSwitched   Step = "switched"    // current points at the new version, on trial
	StepHealthy    Step = "healthy"     // the new version reported ready in time
	StepRolledBack Step = "rolled_back" // the trial ran out, current points back at the previous version
	StepRecovered  Step = "recovered"   // a switch interrupted by a crash was undone at start-up
	// StepSuperseded: an upgrade of the Debian package brought a firmware newer than the
	// current bundle; the launcher dropped the link at start and runs the packaged one.
	StepSuperseded Step = "superseded"
)

// Event is one step, for the audit trail and `kioskctl status`.
type Event struct {
	Step     Step
	Sequence uint64 // the version the step is about
	Version  string
	At       time.Time
	Err      error
	Detail   string // where a bundle came from and its size (StepDownloaded)
}

// Opts configures a Slots.
type Opts struct {
	Dir    string        // the firmware root (versions/, current, state.json, events.jsonl); required
	Policy Policy        // keys and device type; Installed is read from Dir
	Trial  time.Duration // how long a new version has to call MarkGood; zero or less means 10 minutes
	// Packaged is the sequence of the packaged firmware (/usr/bin/kiosk), read from the
	// package's SEQUENCE file (PackagedSequence); zero means unknown, older than any bundle.
	// No bundle at or below it is installed or switched to, and Supersede drops a current
	// bundle older than it.
	Packaged uint64
	Now      func() time.Time // nil means time.Now
	Record   func(Event)      // called for every step besides the event log; nil: the log only

	// crash, in tests, is called after each step that changes the disk ("state-tmp",
	// "state", "link-tmp", "link"); a test's helper process kills itself there to show that
	// a power cut at that moment leaves a bootable version.
	crash func(step string)
}

// Slots is the side-by-side firmware store. Several processes use one Dir (the launcher,
// the kiosk, kioskctl): every change of state.json or the link happens under an flock(2) of
// Dir/lock, so a MarkGood and a rollback at the same moment cannot both win.
type Slots struct {
	opts Opts
}

// state is Dir/state.json: which version is on trial and what to go back to.
type state struct {
	Trial    uint64    `json:"trial,omitempty"`
	Previous uint64    `json:"previous,omitempty"` // 0: the packaged firmware (no link)
	Deadline time.Time `json:"deadline,omitzero"`
	// Started: the launcher has started the version on trial once. A second start without
	// MarkGood means the first run ended (crash, watchdog, power cut) before it proved
	// itself, and the launcher rolls back instead.
	Started bool `json:"started,omitempty"`
	// Failed are versions rolled back from: never switched to again, never counted pending.
	Failed []uint64 `json:"failed,omitempty"`
}

// New opens the firmware store in opts.Dir, creating it.
func New(opts Opts) (*Slots, error) {
	if opts.Dir == "" {
		return nil, errors.New("update: Opts.Dir is required")
	}
	if opts.Trial <= 0 {
		opts.Trial = 10 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, "versions"), 0o700); err != nil {
		return nil, err
	}
	return &Slots{opts: opts}, nil
}

func (s *Slots) step(name string) {
	if s.opts.crash != nil {
		s.opts.crash(name)
	}
}

func (s *Slots) record(e Event) {
	e.At = s.opts.Now()
	if err := s.appendLog(e); err != nil && s.opts.Record == nil {
		// Nothing else hears of it: the step itself has happened, only its record is lost.
		fmt.Fprintf(os.Stderr, "update: event log: %v\n", err)
	}
	if s.opts.Record != nil {
		s.opts.Record(e)
	}
}

// Note records a step taken outside Slots (StepDownloaded: the agent fetched a bundle).
func (s *Slots) Note(e Event) { s.record(e) }

// Current is the running version's sequence, 0 when none is installed through bundles.
func (s *Slots) Current() uint64 {
	target, err := os.Readlink(filepath.Join(s.opts.Dir, "current"))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(filepath.Base(target), 10, 64)
	return n
}

// CurrentDir is the running version's directory (Dir/current, resolved at start).
func (s *Slots) CurrentDir() string { return filepath.Join(s.opts.Dir, "current") }

// installed is the newest sequence present, packaged or bundled, so that a bundle older than
// one already installed (even one rolled back from) is refused.
func (s *Slots) installed() uint64 {
	ents, _ := os.ReadDir(filepath.Join(s.opts.Dir, "versions"))
	max := s.opts.Packaged
	for _, e := range ents {
		if n, err := strconv.ParseUint(e.Name(), 10, 64); err == nil && n > max {
			max = n
		}
	}
	if c := s.Current(); c > max {
		max = c
	}
	return max
}

// Install verifies the bundle and unpacks it into its own directory beside the running
// version, which it never touches. It returns the manifest; Switch makes it current.
func (s *Slots) Install(r io.Reader) (Manifest, error) {
	p := s.opts.Policy
	p.Installed = max(p.Installed, s.installed())
	hold, err := s.tempDir(filepath.Join(s.opts.Dir, "versions"), ".incoming-")
	if err != nil {
		return Manifest{}, err
	}
	tmp := hold.Name()
	defer hold.Close()
	defer os.RemoveAll(tmp) // after the rename nothing is left here
	m, err := Open(r, p, func(f File, data io.Reader) error {
		dst := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, os.FileMode(f.Mode&0o755))
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, data); err != nil {
			out.Close()
			return err
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		s.record(Event{Step: StepRefused, Sequence: m.Sequence, Version: m.Version, Err: err})
		return m, err
	}
	if err := os.Rename(tmp, s.versionDir(m.Sequence)); err != nil {
		return m, fmt.Errorf("update: install %d: %w", m.Sequence, err)
	}
	syncDir(filepath.Join(s.opts.Dir, "versions"))
	s.record(Event{Step: StepVerified, Sequence: m.Sequence, Version: m.Version})
	return m, nil
}

func (s *Slots) versionDir(seq uint64) string {
	return filepath.Join(s.opts.Dir, "versions", strconv.FormatUint(seq, 10))
}

// Switch makes an installed version current, on trial until MarkGood. The caller switches
// only at an idle moment (never during a taxpayer's session) and then restarts the kiosk.
// The trial is written before the link, so a crash between the two is undone by Recover.
func (s *Slots) Switch(seq uint64) error {
	if _, err := os.Stat(s.versionDir(seq)); err != nil {
		return fmt.Errorf("update: version %d is not installed: %w", seq, err)
	}
	err := s.locked(func() error {
		old, err := s.loadState()
		if err != nil {
			return err
		}
		st := state{Trial: seq, Previous: s.Current(), Deadline: s.opts.Now().Add(s.opts.Trial), Failed: old.Failed}
		if err := s.saveState(st); err != nil {
			return err
		}
		return s.point(seq)
	})
	if err != nil {
		return err
	}
	s.record(Event{Step: StepSwitched, Sequence: seq})
	return nil
}

// point replaces Dir/current with a link to version seq, atomically; seq 0 removes the link,
// so that the launcher starts the packaged firmware.
func (s *Slots) point(seq uint64) error {
	cur := filepath.Join(s.opts.Dir, "current")
	if seq == 0 {
		if err := os.Remove(cur); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		syncDir(s.opts.Dir)
		return nil
	}
	tmp := cur + ".new"
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join("versions", strconv.FormatUint(seq, 10)), tmp); err != nil {
		return err
	}
	s.step("link-tmp")
	if err := os.Rename(tmp, cur); err != nil {
		return err
	}
	syncDir(s.opts.Dir)
	s.step("link")
	return nil
}

// MarkGood ends the trial: the new version reported ready and reached the hall.
func (s *Slots) MarkGood() error {
	var seq uint64
	err := s.locked(func() error {
		st, err := s.loadState()
		if err != nil {
			return err
		}
		if st.Trial == 0 || st.Trial != s.Current() {
			return ErrNoTrial
		}
		seq = st.Trial
		return s.saveState(state{Previous: st.Previous, Failed: st.Failed})
	})
	if err != nil {
		return err
	}
	s.record(Event{Step: StepHealthy, Sequence: seq})
	return nil
}

// OnTrial is the version on trial and its deadline; ok is false when current is committed.
func (s *Slots) OnTrial() (seq uint64, deadline time.Time, ok bool) {
	st, err := s.loadState()
	if err != nil || st.Trial == 0 || st.Trial != s.Current() {
		return 0, time.Time{}, false
	}
	return st.Trial, st.Deadline, true
}

// Check rolls back a trial whose deadline has passed without MarkGood. It reports whether
// it rolled back; the caller then restarts the kiosk on the previous version.
func (s *Slots) Check() (bool, error) {
	return s.rollbackIf(func(st state) string {
		if s.opts.Now().Before(st.Deadline) {
			return ""
		}
		return fmt.Sprintf("no ready report and no hall contact within %v", s.opts.Trial)
	})
}

// Abandon rolls back the version on trial, if one is, for reason: it stopped before it was
// marked good. It reports whether it rolled back.
func (s *Slots) Abandon(reason string) (bool, error) {
	return s.rollbackIf(func(state) string { return reason })
}

// rollbackIf rolls the trial back when why returns a reason for it.
func (s *Slots) rollbackIf(why func(st state) string) (bool, error) {
	var ev Event
	err := s.locked(func() error {
		st, err := s.loadState()
		if err != nil || st.Trial == 0 || st.Trial != s.Current() {
			return err
		}
		reason := why(st)
		if reason == "" {
			return nil
		}
		// The version is marked failed before the link goes back, so that a crash between
		// the two neither switches to it again (Pending) nor lets it run (the launcher
		// rolls back a trial of a failed version at the next start).
		st.Failed = append(slices.Clone(st.Failed), st.Trial)
		if err := s.saveState(st); err != nil {
			return err
		}
		if err := s.point(st.Previous); err != nil {
			return err
		}
		if err := s.saveState(state{Failed: st.Failed}); err != nil {
			return err
		}
		back := "the packaged firmware"
		if st.Previous != 0 {
			back = "version " + strconv.FormatUint(st.Previous, 10)
		}
		ev = Event{Step: StepRolledBack, Sequence: st.Trial, Err: fmt.Errorf("%s; back to %s", reason, back)}
		return nil
	})
	if err != nil || ev.Step == "" {
		return false, err
	}
	s.record(ev)
	return true, nil
}

// Recover runs at start-up: a trial recorded for a version that current does not point at
// is a switch a crash interrupted before the link changed; it is dropped, and the version
// current points at (the old one, intact) keeps running.
func (s *Slots) Recover() error {
	var seq uint64
	err := s.locked(func() error {
		st, err := s.loadState()
		if err != nil || st.Trial == 0 || st.Trial == s.Current() {
			return err
		}
		seq = st.Trial
		return s.saveState(state{Previous: st.Previous, Failed: st.Failed})
	})
	if err != nil || seq == 0 {
		return err
	}
	s.record(Event{Step: StepRecovered, Sequence: seq})
	return nil
}

// Supersede runs at start-up, after Recover: when the packaged firmware is newer than the
// current bundle (the Debian package was upgraded), it drops the link and any trial of that
// bundle, so that the launcher starts the packaged firmware. It reports whether it did. The
// bundle is not marked failed: it was replaced, not found wanting; Pending never offers it
// again because it is older than the package.
func (s *Slots) Supersede() (bool, error) {
	var ev Event
	err := s.locked(func() error {
		cur := s.Current()
		if cur == 0 || cur >= s.opts.Packaged {
			return nil
		}
		st, err := s.loadState()
		if err != nil {
			return err
		}
		// The trial goes first, as in a rollback: a crash before the link changes leaves a
		// committed bundle, which the next start supersedes again.
		if err := s.saveState(state{Failed: st.Failed}); err != nil {
			return err
		}
		if err := s.point(0); err != nil {
			return err
		}
		ev = Event{Step: StepSuperseded, Sequence: cur,
			Detail: fmt.Sprintf("the packaged firmware %d is newer", s.opts.Packaged)}
		return nil
	})
	if err != nil || ev.Step == "" {
		return false, err
	}
	s.record(ev)
	return true, nil
}

// Pending is the newest installed version that is newer than the running one and was never
// rolled back from: the one to switch to at the next idle moment; 0 when there is none, or
// while the running version is still on trial.
func (s *Slots) Pending() uint64 {
	st, err := s.loadState()
	if err != nil || (st.Trial != 0 && st.Trial == s.Current()) {
		return 0
	}
	// Newer than what runs and than the package: a bundle older than an upgraded package
	// is never switched back to.
	base := max(s.Current(), s.opts.Packaged)
	ents, _ := os.ReadDir(filepath.Join(s.opts.Dir, "versions"))
	var best uint64
	for _, e := range ents {
		n, err := strconv.ParseUint(e.Name(), 10, 64)
		if err == nil && n > base && n > best && !slices.Contains(st.Failed, n) {
			best = n
		}
	}
	return best
}

// locked runs fn holding Dir/lock.
func (s *Slots) locked(fn func() error) error { return lockDir(s.opts.Dir, fn) }

// lockDir runs fn holding dir/lock. Not reentrant: flock(2) locks of two opens of one file
// exclude each other even in one process.
func lockDir(dir string, fn func() error) error {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("update: lock: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

func (s *Slots) statePath() string { return filepath.Join(s.opts.Dir, "state.json") }

func (s *Slots) loadState() (state, error) {
	var st state
	b, err := os.ReadFile(s.statePath())
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("update: %s: %w", s.statePath(), err)
	}
	return st, nil
}

// saveState writes state.json atomically: temporary file, fsync, rename, fsync of the
// directory.
func (s *Slots) saveState(st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := s.statePath() + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s.step("state-tmp")
	if err := os.Rename(tmp, s.statePath()); err != nil {
		return err
	}
	syncDir(s.opts.Dir)
	s.step("state")
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
