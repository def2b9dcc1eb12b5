package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/kiosk/tech"
)

// AgentOpts configures an Agent. The functions are the kiosk as the agent sees it; each may
// be called from the agent's goroutine at any time, so each must be safe for that.
type AgentOpts struct {
	Slots *Slots
	// Fetch asks the hall for a bundle newer than after, for this kiosk's device type, other
	// than those in refused (their sequences, as the hall names them); it returns nil, nil
	// when there is none. Nil means the hall is never asked (USB only).
	Fetch func(ctx context.Context, after uint64, refused []uint64) (io.ReadCloser, error)
	// FetchEvery is how often the hall is asked; zero means 15 minutes.
	FetchEvery time.Duration
	// Idle reports the idle moment a switch waits for: the idle screen, no session, no
	// technician at work. Required.
	Idle func() bool
	// Ready reports that the kiosk told systemd READY=1 (its first frame is drawn); Reached
	// that the hall has answered since the start. A version on trial is marked good when
	// both hold. Required.
	Ready, Reached func() bool
	// Report hands one step to the hall's audit trail (an audit transaction through the
	// outbox); it returns an error when the step could not be kept, and is offered it again.
	Report func(ctx context.Context, e Entry) error
	// Restart ends the kiosk with ExitSwitched after a switch, so that the launcher starts
	// the new version. Required.
	Restart func()
	// Every is how often the agent looks at the kiosk; zero means 1 s.
	Every time.Duration
	Log   *slog.Logger // nil means slog.Default()
}

// Agent is the kiosk's side of updates: it reports every step to the hall, marks a version
// on trial good once it is ready and has reached the hall, fetches new bundles from the hall,
// and switches to an installed one at an idle moment. Apply installs a bundle from a file
// (kioskctl update apply, from a USB stick).
type Agent struct {
	o AgentOpts
	// refused are the sequences of bundles from the hall that failed a check since the
	// kiosk started: downloaded once, not again every FetchEvery (nor audited again).
	refused []uint64
}

// NewAgent returns an Agent; Run starts it.
func NewAgent(o AgentOpts) *Agent {
	if o.FetchEvery == 0 {
		o.FetchEvery = 15 * time.Minute
	}
	if o.Every == 0 {
		o.Every = time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Agent{o: o}
}

// Run works until ctx ends or it has switched (and called Restart).
func (a *Agent) Run(ctx context.Context) {
	t := time.NewTicker(a.o.Every)
	defer t.Stop()
	var nextFetch time.Time // the first look at the hall comes once the kiosk is up
	for {
		a.report(ctx)
		a.markGood()
		if a.o.Fetch != nil && !time.Now().Before(nextFetch) && a.o.Reached() {
			if err := a.fetchOnce(ctx); err != nil && ctx.Err() == nil {
				a.o.Log.Warn("update: fetching from the hall", "err", err)
			}
			nextFetch = time.Now().Add(a.o.FetchEvery)
		}
		if a.switchIfIdle() {
			a.report(ctx)
			a.o.Restart()
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// report hands every unreported step to the hall's audit trail, in order, and stops at
// the first that could not be kept (it comes again on the next turn).
func (a *Agent) report(ctx context.Context) {
	if a.o.Report == nil {
		return
	}
	es, err := a.o.Slots.Unreported()
	if err != nil {
		a.o.Log.Error("update: event log", "err", err)
		return
	}
	for _, e := range es {
		if err := a.o.Report(ctx, e); err != nil {
			a.o.Log.Warn("update: step not yet recorded for the hall", "step", e.Step, "err", err)
			return
		}
		if err := a.o.Slots.Reported(e.N); err != nil {
			a.o.Log.Error("update: event log mark", "err", err)
			return
		}
	}
}

// markGood ends the trial of the running version once it is ready and has reached the hall.
func (a *Agent) markGood() {
	if _, _, on := a.o.Slots.OnTrial(); !on || !a.o.Ready() || !a.o.Reached() {
		return
	}
	if err := a.o.Slots.MarkGood(); err != nil && !errors.Is(err, ErrNoTrial) {
		a.o.Log.Error("update: mark good", "err", err)
	}
}

// switchIfIdle switches to a pending version when the kiosk is idle; it reports whether it
// did, and the kiosk must then restart.
func (a *Agent) switchIfIdle() bool {
	seq := a.o.Slots.Pending()
	if seq == 0 || !a.o.Idle() {
		return false
	}
	if err := a.o.Slots.Switch(seq); err != nil {
		a.o.Log.Error("update: switch", "version", seq, "err", err)
		return false
	}
	a.o.Log.Info("update: switched at an idle moment; restarting on the new version", "version", seq)
	return true
}

// fetchOnce asks the hall for a newer bundle once, downloads it whole to a file beside the
// versions and installs it from there.
func (a *Agent) fetchOnce(ctx context.Context) error {
	s := a.o.Slots
	rc, err := a.o.Fetch(ctx, s.installedNewest(), a.refused)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	f, err := CreateTemp(s.opts.Dir, ".download-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := io.Copy(f, rc)
	if err != nil {
		return fmt.Errorf("update: download: %w", err)
	}
	s.Note(Event{Step: StepDownloaded, Detail: fmt.Sprintf("from the hall, %d bytes", n)})
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err = s.Install(f); err != nil {
		// The hall names what it offers; a refused bundle's own manifest may lie.
		if seq := hallSequence(rc); seq > 0 {
			a.refused = append(a.refused, seq)
		}
	}
	return err
}

// hallSequence is the sequence the hall named for the bundle it served, 0 when unknown.
func hallSequence(rc io.ReadCloser) uint64 {
	if s, ok := rc.(interface{ Sequence() uint64 }); ok {
		return s.Sequence()
	}
	return 0
}

// Apply installs the bundle in file (copied from a USB stick by kioskctl) and returns its
// sequence and version; the kiosk switches to it at the next idle moment like to one from
// the hall. With Board it is the control socket's update ops (control.Firmware).
func (a *Agent) Apply(file string) (uint64, string, error) {
	f, err := os.Open(filepath.Clean(file))
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		a.o.Slots.Note(Event{Step: StepDownloaded, Detail: fmt.Sprintf("from a file, %d bytes", fi.Size())})
	}
	m, err := a.o.Slots.Install(f)
	if err != nil {
		return 0, "", err
	}
	return m.Sequence, m.Version, nil
}

// Board is the firmware page of the technician's board: the running version, a trial or a
// pending version, and the last ten steps.
func (a *Agent) Board() tech.Firmware { return a.o.Slots.Board(10) }

// installedNewest is the newest sequence installed, packaged or bundled, for asking the hall.
func (s *Slots) installedNewest() uint64 { return max(s.opts.Policy.Installed, s.installed()) }
