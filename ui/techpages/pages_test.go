package techpages

import (
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/tech"
)

// The network page's verdicts: a certificate in its last month is amber and an expired one
// red; a clock more than 30 s off the hall's, either way, is amber.
func TestNetworkTones(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, c := range []struct {
		left time.Duration
		want tone
	}{{-time.Second, toneBad}, {0, toneBad}, {time.Second, toneWarn}, {29 * day, toneWarn}, {30 * day, toneOK}, {365 * day, toneOK}} {
		if got := certTone(now.Add(c.left), now); got != c.want {
			t.Errorf("certificate with %v left: tone %d, want %d", c.left, got, c.want)
		}
	}
	for _, c := range []struct {
		skew time.Duration
		want tone
	}{{0, toneOK}, {30 * time.Second, toneOK}, {31 * time.Second, toneWarn}, {-31 * time.Second, toneWarn}, {-time.Hour, toneWarn}} {
		if got := skewTone(c.skew); got != c.want {
			t.Errorf("skew %v: tone %d, want %d", c.skew, got, c.want)
		}
	}
}

func TestSettingKeyboards(t *testing.T) {
	for _, c := range []struct {
		s       tech.Setting
		choices string
		keys    string
	}{
		{tech.Setting{Key: "idcard.baud", Type: "int"}, "", "1234567890"},
		{tech.Setting{Key: "idle_timeout", Type: "duration"}, "", "1234567890.mssmh"},
		{tech.Setting{Key: "language", Type: "text"}, "zh en", ""},
		{tech.Setting{Key: "printer.paper_width_mm", Type: "int"}, "58 80", ""},
		{tech.Setting{Key: "offline_policy.services.vat_return.mode", Type: "text"}, "offline_ok online_only offline_limited", ""},
		{tech.Setting{Key: "offline_policy.services.vat_return.max_offline_amount", Type: "text"}, "", "1234567890."},
		{tech.Setting{Key: "printer.port", Type: "path"}, "", "1234567890abcdefghijklmnopqrstuvwxyz/.:_-"},
		{tech.Setting{Key: "hall_url", Type: "url"}, "", "1234567890abcdefghijklmnopqrstuvwxyz/.:_-"},
	} {
		if got := strings.Join(choices(c.s), " "); got != c.choices {
			t.Errorf("%s: choices %q, want %q", c.s.Key, got, c.choices)
		}
		if c.choices != "" {
			continue
		}
		keys, _ := keyboard(c.s)
		if got := strings.Join(keys, ""); got != c.keys {
			t.Errorf("%s: keys %q, want %q", c.s.Key, got, c.keys)
		}
	}
}

func TestDeviceTone(t *testing.T) {
	for _, c := range []struct {
		st   device.Status
		want tone
	}{
		{device.Status{State: device.Online}, toneOK},
		{device.Status{State: device.Online, Paper: device.PaperFull}, toneOK},
		{device.Status{State: device.Online, Paper: device.PaperLow}, toneWarn},
		{device.Status{State: device.Online, Paper: device.PaperOut}, toneBad},
		{device.Status{State: device.Online, Paper: device.PaperJammed}, toneBad},
		{device.Status{State: device.Busy}, toneWarn},
		{device.Status{State: device.UserError}, toneWarn},
		{device.Status{State: device.UserError, Paper: device.PaperOut}, toneBad},
		{device.Status{State: device.Offline}, toneBad},
		{device.Status{State: device.NoDevice}, toneBad},
		{device.Status{State: device.HWError}, toneBad},
		{device.Status{State: device.PowerOff}, toneBad},
	} {
		if got := deviceTone(c.st); got != c.want {
			t.Errorf("%+v: tone %d, want %d", c.st, got, c.want)
		}
	}
}
