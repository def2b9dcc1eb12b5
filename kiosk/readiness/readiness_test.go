package readiness

import (
	"testing"
	"time"

	"taxkiosk/drivers/device"
)

func TestChecklist(t *testing.T) {
	ok := Input{Online: true, Devices: []device.Status{
		{Device: "idcard", State: device.Online},
		{Device: "printer", State: device.Online, Paper: device.PaperFull},
		{Device: "gpio", State: device.Online},
	}}
	if items := Check(ok); !Ready(items) || len(items) != 6 {
		t.Fatalf("all well: %+v", items)
	}
	for _, c := range []struct {
		name  string
		mod   func(*Input)
		key   string
		level Level
	}{
		{"paper low warns", func(in *Input) { in.Devices[1].Paper = device.PaperLow }, "readiness.device.printer", Warn},
		{"paper out fails", func(in *Input) { in.Devices[1].Paper = device.PaperOut }, "readiness.device.printer", Fail},
		{"reader unplugged fails", func(in *Input) { in.Devices[0].State = device.NoDevice }, "readiness.device.idcard", Fail},
		{"door open warns", func(in *Input) { in.Devices[2].CoverOpen = true }, "readiness.device.gpio", Warn},
		{"hall offline fails", func(in *Input) { in.Online = false }, "readiness.hall", Fail},
		{"a fresh queue warns", func(in *Input) { in.Pending, in.OldestQueued = 3, time.Minute }, "readiness.outbox", Warn},
		{"a stuck queue fails", func(in *Input) { in.Pending, in.OldestQueued = 3, 2*time.Hour }, "readiness.outbox", Fail},
		{"storage out of service fails", func(in *Input) { in.OutOfService = "disk full" }, "readiness.storage", Fail},
	} {
		in := ok
		in.Devices = append([]device.Status(nil), ok.Devices...)
		c.mod(&in)
		items := Check(in)
		found := false
		for _, it := range items {
			if it.Key == c.key {
				found = true
				if it.Level != c.level {
					t.Errorf("%s: %s is %s", c.name, it.Key, it.Level)
				}
			}
		}
		if !found {
			t.Errorf("%s: no item %s", c.name, c.key)
		}
		if Ready(items) == (c.level == Fail) {
			t.Errorf("%s: Ready = %t", c.name, Ready(items))
		}
	}
}
