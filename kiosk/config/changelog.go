package config

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/kiosk/tech"
)

// ChangeLogPath is the change log's file in the data directory: one JSON line per change.
func (c Config) ChangeLogPath() string { return filepath.Join(c.DataDir, "config-changes.jsonl") }

// AppendChange adds one change to the log at path (created 0600), synced before it returns.
func AppendChange(path string, ch tech.Change) error {
	b, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("%w: change log: %w", ErrStorage, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("%w: change log: %w", ErrStorage, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%w: change log: %w", ErrStorage, err)
	}
	return f.Close()
}

// ReadChanges returns the change log at path, oldest first. A missing file is an empty log; a
// line torn by a crash while it was written is skipped.
func ReadChanges(path string) ([]tech.Change, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: change log: %w", ErrStorage, err)
	}
	defer f.Close()
	var out []tech.Change
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		var ch tech.Change
		if json.Unmarshal(sc.Bytes(), &ch) == nil {
			out = append(out, ch)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%w: change log: %w", ErrStorage, err)
	}
	return out, nil
}

// Edit changes one setting in the configuration file at path: it reads the file (the defaults
// where it is missing), applies the change, validates, saves atomically and appends the change
// to the change log at logPath (the running kiosk's, Config.ChangeLogPath). The file is edited rather than a running
// configuration saved, so that what flags or the demo put in the running copy (a data
// directory, simulator ports) never lands in the file. It returns the file's configuration
// after the change and the change as logged.
func Edit(path, logPath, key, value, by string, now time.Time) (Config, tech.Change, error) {
	c, err := Load(path)
	if err != nil {
		return c, tech.Change{}, err
	}
	old, err := c.Get(key)
	if err != nil {
		return c, tech.Change{}, err
	}
	next, err := c.With(key, value)
	if err != nil {
		return c, tech.Change{}, err
	}
	nv, _ := next.Get(key)
	ch := tech.Change{At: now, Key: key, Old: old, New: nv, By: by}
	if err := next.Save(path); err != nil {
		return c, tech.Change{}, err
	}
	return next, ch, AppendChange(logPath, ch)
}
