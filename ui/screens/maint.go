package screens

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/device"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/ui/bridge"
	kt "taxkiosk/ui/theme"
)

// Technician is what the maintenance menu reads and drives beyond the desk: the devices'
// status, the outbox, the sync loop and the printer. Package terminal implements it.
type Technician interface {
	DeviceStatuses() []device.Status
	OutboxStats() outbox.Stats
	SyncNow()
	TestPrint(ctx context.Context) (printKey string)
	PrintReadiness(ctx context.Context) (printKey string)
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
	a.pin = pinPad{via: via}
	a.show(ScreenPIN)
}

// pinPad is the PIN screen's state: digits typed (never shown) and the last answer.
type pinPad struct {
	digits string
	via    string
	msgKey string
	kv     []any
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
	return centred(items...), []fyne.CanvasObject{a.navButton("common.cancel", func() { a.pin = pinPad{}; a.show(ScreenIdle) })}
}

func (a *App) pinKey(k string) {
	switch k {
	case "back":
		if a.pin.digits != "" {
			a.pin.digits = a.pin.digits[:len(a.pin.digits)-1]
		}
	case "ok":
		pin, via := a.pin.digits, a.pin.via
		a.pin.digits = ""
		go func() { // scrypt takes tens of milliseconds: off the UI thread
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := a.desk.EnterMaintenance(ctx, pin, via)
			bridge.Do(func() { a.pinAnswer(err) })
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
		a.show(ScreenMaint)
		return
	case errors.As(err, &locked):
		a.pin.msgKey, a.pin.kv = "maint.pin.locked", []any{"min", int((locked.Wait + time.Minute - 1) / time.Minute)}
	case errors.Is(err, desk.ErrSessionActive):
		a.pin.msgKey = "maint.pin.session"
	case errors.Is(err, desk.ErrNoPINs):
		a.pin.msgKey = "maint.pin.none"
	default:
		a.pin.msgKey = "maint.pin.wrong"
	}
	a.render()
}

// maintScreen is the technician's board: every device at a glance, the outbox, and the
// actions a morning check needs.
func (a *App) maintScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	board := container.NewVBox(a.para(a.T("maint.devices"), widget.MediumImportance))
	for _, st := range a.tech.DeviceStatuses() {
		board.Add(a.deviceRow(st))
	}
	s := a.tech.OutboxStats()
	last := a.T("maint.outbox.never")
	if !s.LastSync.IsZero() {
		last = s.LastSync.Local().Format("01-02 15:04")
	}
	outboxLine := a.para(a.T("maint.outbox", "pending", s.Pending(), "acked", s.Total-s.Pending(), "oldest", s.OldestQueued.Round(time.Second).String(), "last", last), widget.MediumImportance)
	testPrint := a.button("maint.test_print", widget.MediumImportance, func() { a.printAndSay(a.tech.TestPrint, "maint.printed") })
	checklist := a.button("maint.readiness", widget.MediumImportance, func() { a.printAndSay(a.tech.PrintReadiness, "maint.readiness_printed") })
	syncNow := a.button("maint.sync_now", widget.MediumImportance, func() { a.tech.SyncNow(); a.banner = a.T("maint.synced"); a.render() })
	refresh := a.button("maint.refresh", widget.MediumImportance, a.render)
	exit := a.button("maint.exit", widget.HighImportance, func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			a.desk.ExitMaintenance(ctx) // MaintenanceChanged brings the idle screen back
		}()
	})
	actions := container.NewGridWithColumns(3, touchSized(testPrint, 200), touchSized(checklist, 200), touchSized(syncNow, 200), touchSized(refresh, 200), touchSized(exit, 280))
	return centred(a.heading(a.T("maint.title")), board, outboxLine, actions), nil
}

// deviceRow is one device: a green, amber or red dot, its state, paper and last error.
func (a *App) deviceRow(st device.Status) fyne.CanvasObject {
	var c color.Color = kt.Danger
	switch st.State {
	case device.Online:
		c = kt.Success
	case device.Busy, device.UserError:
		c = kt.Warning
	}
	dot := canvas.NewCircle(c)
	dot.Resize(fyne.NewSize(20, 20))
	line := a.T("maint.dev."+st.Device) + " · " + a.T("maint.state."+string(st.State))
	if st.Paper != device.PaperUnknown {
		line += " · " + a.T("maint.paper", "paper", string(st.Paper))
	}
	if st.LastError != nil {
		line += " · " + a.T("maint.last_error", "code", st.LastError.Code, "time", st.LastError.Time.Local().Format("15:04:05"))
	}
	return container.NewHBox(container.NewGridWrap(fyne.NewSize(24, 24), dot), widget.NewLabel(line))
}

// printAndSay runs a technician's print off the UI thread and says how it went.
func (a *App) printAndSay(print func(ctx context.Context) (printKey string), okKey string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		key := print(ctx)
		bridge.Do(func() {
			if key == "" {
				a.banner = a.T(okKey)
			} else {
				a.banner = a.T("maint.print_failed", "reason", a.T(key))
			}
			a.render()
		})
	}()
}
