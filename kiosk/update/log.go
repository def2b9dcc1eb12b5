package update

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Entry is one line of Dir/events.jsonl: an Event as it is kept for the audit trail and the
// technician. It holds version numbers and reasons only, never personal data.
type Entry struct {
	N        int       `json:"-"` // its line number, from 1
	Step     Step      `json:"step"`
	Sequence uint64    `json:"sequence,omitempty"`
	Version  string    `json:"version,omitempty"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason,omitempty"` // why a bundle was refused or a version rolled back
	Detail   string    `json:"detail,omitempty"` // where a bundle came from and its size
}

// The event log is written by whichever process takes the step (the launcher rolls back
// while no kiosk runs, kioskctl installs from a USB stick) and read by the kiosk, which
// hands each entry to the hall as an audit transaction and then moves Dir/reported on.
const (
	logName      = "events.jsonl"
	reportedName = "reported"
)

// appendLog adds e to the event log: one short line written with O_APPEND, which the
// processes sharing Dir can do at once without tearing lines.
func (s *Slots) appendLog(e Event) error {
	en := Entry{Step: e.Step, Sequence: e.Sequence, Version: e.Version, At: e.At.UTC(), Detail: e.Detail}
	if e.Err != nil {
		en.Reason = e.Err.Error()
	}
	b, err := json.Marshal(en)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(s.opts.Dir, logName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Entries is the whole event log, oldest first. A line cut short by a crash is skipped.
func (s *Slots) Entries() ([]Entry, error) {
	f, err := os.Open(filepath.Join(s.opts.Dir, logName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		e.N = n
		out = append(out, e)
	}
	return out, sc.Err()
}

// Unreported is the entries not yet handed to the hall (Reported moves the mark).
func (s *Slots) Unreported() ([]Entry, error) {
	all, err := s.Entries()
	if err != nil {
		return nil, err
	}
	mark := 0
	if b, err := os.ReadFile(filepath.Join(s.opts.Dir, reportedName)); err == nil {
		mark, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	for i, e := range all {
		if e.N > mark {
			return all[i:], nil
		}
	}
	return nil, nil
}

// Reported records that entries up to line n have been handed to the hall's outbox.
func (s *Slots) Reported(n int) error {
	p := filepath.Join(s.opts.Dir, reportedName)
	tmp := p + ".new"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}
