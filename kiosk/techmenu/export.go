package techmenu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/outbox"
)

// ExportOutbox writes the whole queue, personal data masked, as JSON to a new file in dir
// (outbox-KIOSK-TIME.json, 0600, synced with its directory so that a USB stick pulled right
// after holds it) and records the export for the hall.
func (m *Menu) ExportOutbox(ctx context.Context, dir string) (path string, n int, err error) {
	defer func() {
		m.p.Desk.Audit(ctx, "export", map[string]any{"records": n, "ok": err == nil})
	}()
	fi, err := os.Stat(dir)
	if err != nil {
		return "", 0, fmt.Errorf("techmenu: export: %w", err)
	}
	if !fi.IsDir() {
		return "", 0, fmt.Errorf("%w: %s", ErrExportDir, dir)
	}
	recs, err := m.p.Outbox.List(outbox.Filter{})
	if err != nil {
		return "", 0, fmt.Errorf("techmenu: export: %w", err)
	}
	now := m.opts.Now()
	id := m.p.Config.KioskID
	path = filepath.Join(dir, "outbox-"+id+"-"+now.Format("20060102T150405")+".json")
	items := control.Items(recs, false)
	if err := control.WriteExport(path, control.Export{KioskID: id, ExportedAt: now.UTC(), Records: items}); err != nil {
		return "", 0, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return path, len(items), nil
}

// ExportDirs lists where an export can go: mounted USB sticks (directories matching
// Opts.ExportRoots) and, always last, DATA/exports.
func (m *Menu) ExportDirs() []string {
	var out []string
	for _, pattern := range m.opts.ExportRoots {
		matches, _ := filepath.Glob(pattern)
		sort.Strings(matches)
		for _, d := range matches {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				out = append(out, d)
			}
		}
	}
	fallback := filepath.Join(m.p.Config.DataDir, "exports")
	if err := os.MkdirAll(fallback, 0o700); err != nil {
		m.log.Warn("techmenu: export directory", "err", err)
	}
	return append(out, fallback)
}
