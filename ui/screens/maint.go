package screens

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/tech"
	kt "taxkiosk/ui/theme"
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
}

// The hidden gesture that opens the PIN pad: five taps on the title within three seconds.
const (
	gestureTaps   = 5
	gestureWithin = 3 * time.Second
)

// titleTapped counts taps on the idle screen's title for the hidden gesture.
func (a *App) titleTapped() {
	if a.screen != ScreenIdle {
		return
	}
	now := a.now()
	a.gesture = append(a.gesture, now)
	for len(a.gesture) > 0 && now.Sub(a.gesture[0]) > gestureWithin {
		a.gesture = a.gesture[1:]
	}
	if len(a.gesture) >= gestureTaps {
		a.gesture = nil
		a.openPIN("gesture")
	}
}

// openPIN shows the technician's PIN pad; via says how it was reached, for the audit.
func (a *App) openPIN(via string) {
	if a.tech == nil {
		return // a kiosk assembled without a technician side (tests of taxpayer screens)
	}
	a.pin = pinPad{via: via, touched: a.now()}
	a.desk.AwaitTechnician(true) // a technician's ID card may open it instead of the PIN
	a.show(ScreenPIN)
}

// closePIN leaves the PIN pad for the idle screen.
func (a *App) closePIN() {
	a.desk.AwaitTechnician(false)
	a.pin = pinPad{}
	a.show(ScreenIdle)
}

// pinPad is the PIN screen's state: digits typed (never shown) and the last answer.
type pinPad struct {
	touched time.Time // the last tap; the pad closes by itself pinTimeout later
	digits  string
	via     string
	msgKey  string
	kv      []any
}

func (a *App) pinScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	dots := canvas.NewText(strings.Repeat("● ", len(a.pin.digits))+strings.Repeat("○ ", max(0, 6-len(a.pin.digits))), kt.Ink)
	dots.TextSize = a.theme.Size("subHeadingText")
	dots.Alignment = fyne.TextAlignCenter
	pad := container.NewGridWithColumns(3)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "ok"} {
		label, imp := k, widget.MediumImportance
		switch k {
		case "back":
			label = a.T("keypad.back")
		case "ok":
			label, imp = a.T("maint.pin.enter"), widget.HighImportance
		}
		b := widget.NewButton(label, a.tap(func() { a.pinKey(k) }))
		b.Importance = imp
		a.buttons["pin."+k] = b
		pad.Add(touchSized(b, 120))
	}
	items := []fyne.CanvasObject{a.heading(a.T("maint.pin.title")), a.para(a.T("maint.pin.hint"), widget.LowImportance), dots, container.NewCenter(pad)}
	if a.pin.msgKey != "" {
		items = append(items, a.para(a.T(a.pin.msgKey, a.pin.kv...), widget.DangerImportance))
	}
	return centred(items...), []fyne.CanvasObject{a.navButton("common.cancel", a.closePIN)}
}

// pinTimeout closes a PIN pad nobody uses: a taxpayer's card is not read while it shows.
const pinTimeout = time.Minute

// pinTick closes the PIN pad after pinTimeout without a tap.
func (a *App) pinTick() {
	if a.screen == ScreenPIN && a.now().Sub(a.pin.touched) >= pinTimeout {
		a.closePIN()
	}
}

func (a *App) pinKey(k string) {
	a.pin.touched = a.now()
	switch k {
	case "back":
		if a.pin.digits != "" {
			a.pin.digits = a.pin.digits[:len(a.pin.digits)-1]
		}
	case "ok":
		pin, via := a.pin.digits, a.pin.via
		a.pin.digits = ""
		a.inflight.Add(1)
		go func() { // scrypt takes tens of milliseconds: off the UI thread
			defer a.inflight.Add(-1)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := a.desk.EnterMaintenance(ctx, pin, via)
			a.do(func() { a.pinAnswer(err) })
		}()
		return
	default:
		if len(a.pin.digits) < 12 {
			a.pin.digits += k
		}
	}
	a.pin.msgKey = ""
	a.render()
}

func (a *App) pinAnswer(err error) {
	var locked *desk.LockedError
	switch {
	case err == nil:
		a.pin = pinPad{}
		a.mt = maintState{}
		a.show(ScreenMaint)
		return
	case errors.As(err, &locked):
		a.pin.msgKey, a.pin.kv = "maint.pin.locked", []any{"min", int((locked.Wait + time.Minute - 1) / time.Minute)}
	case errors.Is(err, desk.ErrSessionActive):
		a.pin.msgKey = "maint.pin.session"
	case errors.Is(err, desk.ErrNoPINs):
		a.pin.msgKey = "maint.pin.none"
	case errors.Is(err, desk.ErrUnknownCard):
		a.pin.msgKey = "maint.pin.card_unknown"
	default:
		a.pin.msgKey = "maint.pin.wrong"
	}
	a.render()
}
