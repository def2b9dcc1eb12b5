package readiness

import (
	"strconv"
	"time"

	"taxkiosk/drivers/device"
)

// Level is an item's verdict.
type Level string

const (
	Pass Level = "pass"
	Warn Level = "warn" // serviceable, but act soon (paper low)
	Fail Level = "fail" // a service is down until someone acts
)

// Input is what the checklist looks at.
type Input struct {
	Devices      []device.Status
	Online       bool          // the hall answered the last exchange
	Pending      int           // transactions not yet acknowledged by the hall
	OldestQueued time.Duration // age of the oldest of them
	OutOfService string        // the outbox's storage fault, or ""
}

// Item is one line of the checklist. Key names the check ("readiness.<name>"), Detail the
// state found ("online", "paper=low", "3 waiting, oldest 2h0m0s").
type Item struct {
	Key    string `json:"key"`
	Level  Level  `json:"level"`
	Detail string `json:"detail"`
}

// StuckAfter is how long a queued transaction may wait before the checklist fails it.
const StuckAfter = time.Hour

// Check runs the checklist.
func Check(in Input) []Item {
	var out []Item
	for _, d := range in.Devices {
		it := Item{Key: "readiness.device." + d.Device, Level: Pass, Detail: string(d.State)}
		switch {
		case d.State != device.Online:
			it.Level = Fail
		case d.Paper == device.PaperOut:
			it.Level, it.Detail = Fail, "paper=out"
		case d.Paper == device.PaperLow:
			it.Level, it.Detail = Warn, "paper=low"
		case d.CoverOpen && d.Device == "gpio":
			it.Level, it.Detail = Warn, "door=open"
		case d.CoverOpen:
			it.Level, it.Detail = Fail, "cover=open"
		}
		out = append(out, it)
	}
	hall := Item{Key: "readiness.hall", Level: Pass, Detail: "online"}
	if !in.Online {
		hall.Level, hall.Detail = Fail, "offline"
	}
	queue := Item{Key: "readiness.outbox", Level: Pass, Detail: "empty"}
	if in.Pending > 0 {
		queue.Level, queue.Detail = Warn, strconv.Itoa(in.Pending)+" waiting, oldest "+in.OldestQueued.Round(time.Second).String()
		if in.OldestQueued > StuckAfter {
			queue.Level = Fail
		}
	}
	store := Item{Key: "readiness.storage", Level: Pass, Detail: "in service"}
	if in.OutOfService != "" {
		store.Level, store.Detail = Fail, "out of service"
	}
	return append(out, hall, queue, store)
}

// Ready reports whether no item failed.
func Ready(items []Item) bool {
	for _, it := range items {
		if it.Level == Fail {
			return false
		}
	}
	return true
}
