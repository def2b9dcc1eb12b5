package techpages

import (
	"context"
	"sync/atomic"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/tech"
	"taxkiosk/ui/kit"
)

// Technician is what the maintenance menu reads and drives beyond the desk: the menu's
// actions (tech.Menu, which kioskctl reaches over the control socket too), the devices'
// status, the outbox and the sync loop. Package terminal implements it. Methods with a
// context are called off the UI thread (maintJob); the others while a page is drawn.
type Technician interface {
	tech.Menu
	DeviceStatuses() []device.Status
	OutboxStats() outbox.Stats
	SyncNow()
	FirmwareBoard() tech.Firmware
}

// Gate is the kiosk core's door into maintenance: the PIN (or a technician's card) opens
// it, the menu's exit closes it. Package screens adapts its Desk to it.
type Gate interface {
	EnterMaintenance(ctx context.Context, pin, via string) error
	ExitMaintenance(ctx context.Context)
	// AwaitTechnician lets a technician's ID card open maintenance while the pad shows.
	AwaitTechnician(on bool)
	// Refusal words why maintenance was refused: a catalogue key and its values.
	Refusal(err error) (key string, kv []any)
}

// Host is the window the pages are drawn in (package screens' App). Its methods run on the
// UI thread.
type Host interface {
	Render()        // draws the screen on show again
	Do(f func())    // runs f on the UI thread: work done off it comes back through it
	Now() time.Time // the screens' clock
	Opened()        // maintenance opened: the menu replaces the PIN pad
	Closed()        // the PIN pad closed without opening it: back to the idle screen
}

// mode is which of the pages' two screens is on show, if any.
type mode int

const (
	modeNone mode = iota
	modePIN
	modeMenu
)

// Pages is the technician's side of the touchscreen: the PIN pad and the maintenance menu
// with its pages. Its methods run on the UI thread.
type Pages struct {
	*kit.Face
	host Host
	gate Gate
	tech Technician
	mode mode
	pin  pinPad
	mt   maintState // reset on entry, exit and wipe
	// varies formats values that change from run to run (times read from devices, round
	// trips, temporary paths); nil shows them as they are. Golden-image tests set a
	// placeholder.
	varies func(string) string
	// inflight counts work running off the UI thread that will come back through Host.Do.
	inflight atomic.Int32
}

// New builds the pages over t, drawn with face in host; gate opens and closes maintenance.
func New(face *kit.Face, host Host, gate Gate, t Technician) *Pages {
	return &Pages{Face: face, host: host, gate: gate, tech: t}
}

// Busy reports work started off the UI thread that has not come back yet: tests wait for
// none before they tap, as a technician's finger would.
func (p *Pages) Busy() bool { return p.inflight.Load() != 0 }

// SetVaries formats, from now on, every value that differs from run to run with f
// (golden-image tests pass a placeholder); nil shows them as they are.
func (p *Pages) SetVaries(f func(string) string) { p.varies = f }

// Page names the maintenance page on show: "" for the menu.
func (p *Pages) Page() string { return string(p.mt.page) }

// Typed is the value typed or chosen on the setting editor.
func (p *Pages) Typed() string { return p.mt.edit.text }

// Visiting reports whether the pages still hold anything of a technician's visit: a page,
// a result, a typed value.
func (p *Pages) Visiting() bool {
	return p.mode != modeNone || p.mt.page != pageMenu || p.mt.selfTest != nil || p.mt.net != nil || p.mt.edit != (settingEdit{}) || p.pin.via != ""
}

// Leave forgets the visit: maintenance ended, or a taxpayer's session wiped the screens.
func (p *Pages) Leave() {
	p.mode, p.pin, p.mt = modeNone, pinPad{}, maintState{}
}

// Tick keeps the live parts live: the PIN pad closes after a minute untouched, and the
// self-test page reads the cabinet's inputs again every second. The App calls it every
// second.
func (p *Pages) Tick() {
	switch p.mode {
	case modePIN:
		p.pinTick()
	case modeMenu:
		p.maintTick()
	}
}
