package terminal

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/notices"
)

// heartbeat is what the kiosk tells the hall's duty leader of itself (hallsync.Report): the
// beacon adds the outbox's backlog and the time. It reads only state the desk and the
// devices keep already, so it never waits on hardware.
func (t *Terminal) heartbeat() hallapi.Heartbeat {
	hb := hallapi.Heartbeat{State: hallapi.StateInService, Paper: hallapi.PaperUnknown, PaperLeft: -1,
		Version: t.version, CertExpiry: t.certExpiry()}
	switch {
	case t.desk.InMaintenance():
		hb.State = hallapi.StateMaintenance
	case t.desk.OutOfService() != "":
		hb.State, hb.Reason = hallapi.StateOutOfService, t.desk.OutOfService()
	case t.outbox.Stats().OutOfService != "":
		hb.State, hb.Reason = hallapi.StateOutOfService, t.outbox.Stats().OutOfService
	}
	for _, st := range t.deviceStatuses() {
		d := hallapi.DeviceHealth{Name: st.Device, State: string(st.State)}
		if st.LastError != nil {
			d.Error = st.LastError.Code
		}
		hb.Devices = append(hb.Devices, d)
		if st.Device == "printer" {
			hb.Paper = paperOf(st)
		}
	}
	if t.journal != nil {
		hb.PaperLeft = t.menu.Consumables().Left
	}
	return hb
}

// paperOf folds the printer's paper supply into what the duty leader acts on.
func paperOf(st device.Status) string {
	switch st.Paper {
	case device.PaperFull:
		return hallapi.PaperOK
	case device.PaperLow:
		return hallapi.PaperNearEnd
	case device.PaperOut, device.PaperJammed:
		return hallapi.PaperOut
	}
	return hallapi.PaperUnknown
}

// certExpiry is when the kiosk's TLS certificate ends; zero for a plain loopback hall or a
// certificate that cannot be read (the network page says why).
func (t *Terminal) certExpiry() time.Time {
	if !strings.HasPrefix(t.cfg.HallURL, "https://") {
		return time.Time{}
	}
	crt, _ := mtls.KioskFiles(t.cfg.KioskID)
	data, err := os.ReadFile(filepath.Join(t.cfg.Certs(), crt))
	if err != nil {
		return time.Time{}
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return time.Time{}
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return time.Time{}
	}
	return c.NotAfter
}

// buildVersion names the running build: the version Opts gave, else the module's version
// and the VCS revision the binary was built from.
func buildVersion(given string) string {
	if given != "" {
		return given
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 7 {
			v += "+" + s.Value[:7]
		}
	}
	return v
}

// noticeCache is the cache as the beacon takes it: a nil *Cache must be a nil interface.
func (t *Terminal) noticeCache() hallsync.NoticeCache {
	if t.notices == nil {
		return nil
	}
	return t.notices
}

// Notices are the hall's announcements as last read, for the idle screen; nil when the
// cache's file is unusable.
func (t *Terminal) Notices() *notices.Cache { return t.notices }
