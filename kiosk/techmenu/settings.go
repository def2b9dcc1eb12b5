package techmenu

import (
	"context"
	"strings"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/netcheck"
	"taxkiosk/kiosk/tech"
)

// CheckNetwork checks the way to the hall now (netcheck.Check), with the kiosk's own client
// certificate over https.
func (m *Menu) CheckNetwork(ctx context.Context) tech.NetReport {
	c := m.p.Config
	opts := &netcheck.Opts{}
	if strings.HasPrefix(c.HallURL, "https://") {
		cfg, _, err := mtls.ClientConfig(c.Certs(), c.KioskID)
		if err != nil {
			return tech.NetReport{HallURL: c.HallURL, CheckedAt: m.opts.Now(), TLS: true,
				ErrorKey: netcheck.KeyTLS, Error: "kiosk certificate: " + err.Error()}
		}
		opts.TLS = cfg
	}
	return netcheck.Check(ctx, c.HallURL, opts)
}

// settingsNow is the configuration as the technician has edited it since the start.
func (m *Menu) settingsNow() config.Config {
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	return m.edited
}

// Settings lists the editable settings with their values; a setting config.LiveKey names
// applies without a restart (the paper estimate, which the menu reads itself, and what
// Opts.Live hands the desk).
func (m *Menu) Settings() []tech.Setting {
	return config.Settings(m.settingsNow(), config.LiveKey)
}

// ChangeSetting validates and saves one setting in the configuration file, logs the change
// and records it for the hall. A refused value is a *config.SettingError with the catalogue
// key to show.
func (m *Menu) ChangeSetting(ctx context.Context, key, value, by string) error {
	if m.opts.ConfigPath == "" {
		return ErrNoConfigFile
	}
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	next, err := m.edited.With(key, value)
	if err != nil {
		return err // the running kiosk's view must take it as well
	}
	_, ch, err := config.Edit(m.opts.ConfigPath, m.p.Config.ChangeLogPath(), key, value, by, m.opts.Now())
	if err != nil {
		return err
	}
	m.edited = next
	if config.LiveKey(key) && m.opts.Live != nil {
		m.opts.Live(next)
	}
	m.p.Desk.Audit(ctx, "config_change", map[string]any{"key": ch.Key, "old": ch.Old, "new": ch.New, "by": by, "restart": !config.LiveKey(key)})
	m.log.Info("techmenu: setting changed", "key", ch.Key, "by", by)
	return nil
}

// ConfigLog is the configuration change log, oldest first.
func (m *Menu) ConfigLog() []tech.Change {
	ch, err := config.ReadChanges(m.p.Config.ChangeLogPath())
	if err != nil {
		m.log.Warn("techmenu: change log", "err", err)
	}
	return ch
}

// Logs returns the last n log lines (n <= 0: all kept), masked; none without Opts.Logs.
func (m *Menu) Logs(n int) []tech.LogLine {
	if m.opts.Logs == nil {
		return nil
	}
	return m.opts.Logs.Lines(n)
}
