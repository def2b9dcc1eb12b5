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
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
)

// heartbeat is what the kiosk tells the hall's duty leader of itself (hallsync.Report): the
// beacon adds the outbox's backlog and the time. It reads only state the desk and the
// devices keep already, so it never waits on hardware.
func (t *Terminal) heartbeat() hallapi.Heartbeat {
	hb := hallapi.Heartbeat{State: hallapi.StateInService, Paper: hallapi.PaperUnknown, PaperLeft: -1,
		Version: t.version, CertExpiry: t.certExpiry()}
	switch {
	case t.Desk.InMaintenance():
		hb.State = hallapi.StateMaintenance
	case t.Desk.OutOfService() != "":
		hb.State, hb.Reason = hallapi.StateOutOfService, t.Desk.OutOfService()
	case t.Outbox.Stats().OutOfService != "":
		hb.State, hb.Reason = hallapi.StateOutOfService, t.Outbox.Stats().OutOfService
	}
	for _, st := range t.DeviceStatuses() {
		d := hallapi.DeviceHealth{Name: st.Device, State: string(st.State)}
		if st.LastError != nil {
			d.Error = st.LastError.Code
		}
		hb.Devices = append(hb.Devices, d)
		if st.Device == "printer" {
			hb.Paper = paperOf(st)
		}
	}
	if t.Journal != nil {
		hb.PaperLeft = t.Consumables().Left
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
	if !strings.HasPrefix(t.Config.HallURL, "https://") {
		return time.Time{}
	}
	crt, _ := certs.KioskFiles(t.Config.KioskID)
	data, err := os.ReadFile(filepath.Join(t.Config.Certs(), crt))
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
	if t.Notices == nil {
		return nil
	}
	return t.Notices
}
