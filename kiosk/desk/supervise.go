package desk

import (
	"context"
	"sync"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/hallsync"
)

// Facility is something the kiosk offers besides the services a taxpayer starts from the
// menu, each resting on one device: identification on the ID-card reader, scanning (invoice
// checks, progress lookups) on the scanner, queue tickets on the printer.
type Facility string

const (
	FacilityIdentify Facility = "identify"
	FacilityScan     Facility = "scan"
	FacilityQueue    Facility = "queue_ticket"
)

// FacilityState says whether a facility works now; ReasonKey is the translation key the
// screen shows when it does not.
type FacilityState struct {
	Facility  Facility
	Available bool
	ReasonKey string
}

// health is what supervision concluded from the devices: which facilities work, and whether
// the kiosk has taken itself out of service because nothing can be printed.
type health struct {
	mu         sync.Mutex
	facilities []FacilityState
	downFor    map[Facility]int // consecutive supervisions that found the facility's device down
	printSince time.Time        // when printing became impossible; zero while it can print
	oosKey     string           // why the kiosk is out of service by itself; "" while in service
}

// OutOfService is the reason key when the kiosk took itself out of taxpayer service
// (printing impossible for longer than Opts.OutOfServiceAfter), or "" while it serves.
func (d *Desk) OutOfService() string {
	d.health.mu.Lock()
	key := d.health.oosKey
	d.health.mu.Unlock()
	if key == "" && d.doorOpen.Load() {
		// An open cabinet exposes the devices and the paper: no new taxpayer until it is
		// shut, also when the technician leaves maintenance (or the PIN pad) with it open.
		return KeyDoorOpen
	}
	return key
}

// Facilities lists the facilities with their state, as last supervised.
func (d *Desk) Facilities() []FacilityState {
	d.health.mu.Lock()
	defer d.health.mu.Unlock()
	if d.health.facilities == nil {
		return []FacilityState{{FacilityIdentify, true, ""}, {FacilityScan, true, ""}, {FacilityQueue, true, ""}}
	}
	return append([]FacilityState(nil), d.health.facilities...)
}

// superviseDevices applies the supervision rules after the printer was asked (printErr is
// its answer as an error, nil when it can print) and reports whether anything a screen
// shows changed.
func (d *Desk) superviseDevices(ctx context.Context, printErr error) (changed bool) {
	states := map[string]device.State{}
	if d.opts.Devices != nil {
		for _, st := range d.opts.Devices() {
			states[st.Device] = st.State
		}
	}
	facilities := []FacilityState{
		deviceFacility(FacilityIdentify, states["idcard"], "service.blocked.reader"),
		deviceFacility(FacilityScan, states["scanner"], "service.blocked.scanner"),
		{Facility: FacilityQueue, Available: printErr == nil},
	}
	switch {
	case printErr != nil:
		facilities[2].ReasonKey = blockedByPrinter(printErr)
	case offline(d.uplink.Status()): // numbers are the hall's: offline, the tile says so before a tap
		facilities[2] = FacilityState{Facility: FacilityQueue, ReasonKey: "queue.offline"}
	}

	now := d.clock.Now()
	d.health.mu.Lock()
	if d.health.downFor == nil {
		d.health.downFor = map[Facility]int{}
	}
	// One unanswered poll (a card slid off mid-read, a loaded machine) is not a broken
	// reader: a device counts as down when two supervisions in a row found it so.
	for i, f := range facilities[:2] {
		if f.Available {
			d.health.downFor[f.Facility] = 0
		} else if d.health.downFor[f.Facility]++; d.health.downFor[f.Facility] < 2 {
			facilities[i] = FacilityState{Facility: f.Facility, Available: true}
		}
	}
	changed = !equalFacilities(facilities, d.health.facilities)
	d.health.facilities = facilities
	was := d.health.oosKey
	switch {
	case printErr == nil:
		d.health.printSince, d.health.oosKey = time.Time{}, ""
	case d.health.printSince.IsZero():
		d.health.printSince = now
	case now.Sub(d.health.printSince) >= d.opts.OutOfServiceAfter:
		d.health.oosKey = blockedByPrinter(printErr)
	}
	is := d.health.oosKey
	d.health.mu.Unlock()

	if (was == "") != (is == "") {
		changed = true
		d.tower.update(func(t *towerState) { t.oos = is != "" })
		if is != "" {
			d.log.Warn("desk: out of service by itself: printing impossible", "reason", is)
			d.audit(ctx, "out_of_service", map[string]any{"reason": is, "by": "supervision"})
		} else {
			d.log.Info("desk: back in service: the printer prints again")
			d.audit(ctx, "back_in_service", map[string]any{"was": was, "by": "supervision"})
		}
	}
	return changed
}

// deviceFacility: a facility works while its device does. A device the kiosk never heard of
// (not supervised) counts as working; a fault anyone can clear or a busy device does too,
// since the driver retries and the taxpayer's own attempt says what to do.
func deviceFacility(f Facility, st device.State, reasonKey string) FacilityState {
	switch st {
	case device.Offline, device.PowerOff, device.NoDevice, device.HWError:
		return FacilityState{Facility: f, ReasonKey: reasonKey}
	}
	return FacilityState{Facility: f, Available: true}
}

func equalFacilities(a, b []FacilityState) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// offline reports whether the hall is known to be unreachable: not while the first
// exchange since start is still under way (the screen says 正在连接).
func offline(st hallsync.SyncStatus) bool { return st.Tried && !st.Online }
