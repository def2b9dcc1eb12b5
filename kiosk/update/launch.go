package update

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// ExitSwitched is the exit status with which the kiosk tells the launcher that it has
// switched Dir/current at an idle moment: the launcher starts the new version at once,
// without a round through systemd (which would count it against the unit's start limit).
const ExitSwitched = 75 // EX_TEMPFAIL

// stopGrace is how long a firmware that was asked to stop (SIGTERM) has before it is killed.
const stopGrace = 10 * time.Second

// LaunchOpts configures Launch.
type LaunchOpts struct {
	Slots *Slots
	// Fallback is the packaged program (/usr/bin/kiosk), run while no bundle is current or
	// when the current version's program is missing; required.
	Fallback string
	// Program is the program's name inside a version's directory; empty means "kiosk".
	Program string
	Args    []string // the firmware's arguments
	// Stdout and Stderr receive the firmware's output; nil means the launcher's own.
	Stdout, Stderr io.Writer
	Log            *slog.Logger // nil means slog.Default()
}

// Launch runs the firmware from the side-by-side store until it exits or ctx ends, the
// small supervisor the kiosk unit starts (kiosk/cmd/kioskboot). At its own start it removes
// what a crash left of installs and downloads (Sweep). Before each start of the firmware it
// undoes an interrupted switch (Recover), drops a current bundle older than an upgraded
// package (Supersede), and rolls back a trial that ran out or whose version
// already ran once without MarkGood; while a version on trial runs it rolls back at the
// deadline and stops it. It starts the next version itself when the firmware exits with
// ExitSwitched or a trial was rolled back; otherwise it returns the firmware's exit status,
// and systemd's Restart= brings the unit back. When ctx ends the firmware gets SIGTERM and
// Launch returns its status.
func Launch(ctx context.Context, o LaunchOpts) (int, error) {
	if o.Program == "" {
		o.Program = "kiosk"
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	// Once per start of the unit, before any firmware runs: what a crash left half made.
	removed, err := o.Slots.Sweep()
	for _, p := range removed {
		o.Log.Info("update: removed the leftover of an interrupted install or download", "path", p)
	}
	if err != nil {
		o.Log.Warn("update: removing leftovers", "err", err)
	}
	for {
		prog, trial, err := o.prepare()
		if err != nil {
			return 1, err
		}
		o.Log.Info("update: starting firmware", "program", prog, "version", trial.seq, "packaged", o.Slots.opts.Packaged, "trial", trial.on)
		code, next, err := o.run(ctx, prog, trial)
		if err != nil || !next {
			return code, err
		}
	}
}

// trialRun is what prepare found about the version it is about to start.
type trialRun struct {
	seq      uint64
	on       bool // on trial: not yet marked good
	deadline time.Time
}

// prepare makes the store consistent and names the program to start.
func (o *LaunchOpts) prepare() (string, trialRun, error) {
	s := o.Slots
	if err := s.Recover(); err != nil {
		return "", trialRun{}, err
	}
	if _, err := s.Supersede(); err != nil {
		return "", trialRun{}, err
	}
	if _, err := s.Check(); err != nil {
		return "", trialRun{}, err
	}
	var tr trialRun
	startedBefore := false
	err := s.locked(func() error {
		st, err := s.loadState()
		if err != nil || st.Trial == 0 || st.Trial != s.Current() {
			return err
		}
		if st.Started || slices.Contains(st.Failed, st.Trial) {
			startedBefore = true // or a rollback was cut short
			return nil
		}
		st.Started = true
		tr = trialRun{on: true, deadline: st.Deadline}
		return s.saveState(st)
	})
	if err != nil {
		return "", trialRun{}, err
	}
	if startedBefore {
		// A run of the version on trial ended (crash, watchdog, power cut, reboot) before it
		// proved itself: the previous version comes back rather than a second chance.
		if _, err := s.Abandon("the version on trial stopped before it was marked good"); err != nil {
			return "", trialRun{}, err
		}
	}
	tr.seq = s.Current()
	if tr.seq == 0 {
		return o.Fallback, tr, nil
	}
	// The version's own directory, not the link: a switch while it runs changes nothing
	// under it.
	prog := filepath.Join(s.versionDir(tr.seq), o.Program)
	if _, err := os.Stat(prog); err != nil {
		o.Log.Error("update: current version has no program; starting the packaged firmware", "version", tr.seq, "err", err)
		if tr.on {
			if _, err := s.Abandon("its program is missing"); err != nil {
				return "", trialRun{}, err
			}
			return o.prepare()
		}
		return o.Fallback, trialRun{}, nil
	}
	return prog, tr, nil
}

// run starts prog and waits for it. next is true when Launch should start the (new) current
// version at once.
func (o *LaunchOpts) run(ctx context.Context, prog string, tr trialRun) (code int, next bool, err error) {
	cmd := exec.Command(prog, o.Args...)
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	seq := tr.seq
	if seq == 0 {
		seq = o.Slots.opts.Packaged
	}
	cmd.Env = append(os.Environ(), "TAXKIOSK_FIRMWARE_VERSION="+strconv.FormatUint(seq, 10))
	if err := cmd.Start(); err != nil {
		if tr.on {
			if _, aerr := o.Slots.Abandon("it could not be started: " + err.Error()); aerr == nil {
				return 0, true, nil
			}
		}
		return 1, false, fmt.Errorf("update: start %s: %w", prog, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	var deadline <-chan time.Time
	if tr.on {
		t := time.NewTimer(time.Until(tr.deadline))
		defer t.Stop()
		deadline = t.C
	}
	stopping := false
	for waiting := true; waiting; {
		select {
		case <-exited:
			waiting = false
		case <-ctx.Done():
			stopping = true
			stop(cmd, exited)
			waiting = false
		case <-deadline:
			deadline = nil
			rolled, err := o.Slots.Check()
			if err != nil {
				o.Log.Error("update: trial check", "err", err)
			}
			if rolled {
				o.Log.Warn("update: version on trial rolled back at its deadline", "version", tr.seq)
				stop(cmd, exited)
				return 0, true, nil
			}
		}
	}
	code = exitCode(cmd.ProcessState)
	if stopping {
		return code, false, nil
	}
	if tr.on {
		rolled, err := o.Slots.Abandon(fmt.Sprintf("it stopped (%s) before it was marked good", cmd.ProcessState))
		if err != nil {
			return code, false, err
		}
		if rolled {
			return 0, true, nil
		}
	}
	if code == ExitSwitched && o.Slots.Current() != tr.seq {
		return 0, true, nil
	}
	return code, false, nil
}

// stop asks the firmware to end, and kills it after stopGrace.
func stop(cmd *exec.Cmd, exited <-chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace):
		cmd.Process.Kill()
		<-exited
	}
}

// exitCode is a process's exit status, 128+N for death by signal N (as a shell says it).
func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return 1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
