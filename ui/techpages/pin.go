package techpages

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// OpenPIN readies the technician's PIN pad, which the host then shows; via says how it was
// reached, for the audit.
func (p *Pages) OpenPIN(via string) {
	p.pin = pinPad{via: via, touched: p.host.Now()}
	p.mode = modePIN
	p.gate.AwaitTechnician(true) // a technician's ID card may open it instead of the PIN
}

// closePIN leaves the PIN pad for the idle screen.
func (p *Pages) closePIN() {
	p.gate.AwaitTechnician(false)
	p.pin, p.mode = pinPad{}, modeNone
	p.host.Closed()
}

// pinPad is the PIN screen's state: digits typed (never shown) and the last answer.
type pinPad struct {
	touched time.Time // the last tap; the pad closes by itself pinTimeout later
	digits  string
	via     string
	msgKey  string
	kv      []any
}

// PINScreen is the PIN pad: digits never shown, the last refusal under them.
func (p *Pages) PINScreen() (fyne.CanvasObject, []fyne.CanvasObject) {
	dots := canvas.NewText(strings.Repeat("● ", len(p.pin.digits))+strings.Repeat("○ ", max(0, 6-len(p.pin.digits))), kt.Ink)
	dots.TextSize = p.Theme().Size("subHeadingText")
	dots.Alignment = fyne.TextAlignCenter
	// kit's keypad, as on every pad; Enter under it, never among the digits.
	pad := p.Keypad("pin.", "", 120, p.pinKey)
	enter := p.NewButton("maint.pin.enter", widget.HighImportance, func() { p.pinKey("ok") })
	p.Register("pin.ok", enter)
	msg := ""
	if p.pin.msgKey != "" {
		msg = p.T(p.pin.msgKey, p.pin.kv...)
	}
	// The refusal's line keeps its room when empty: the pad must not move under a finger.
	items := []fyne.CanvasObject{p.Heading(p.T("maint.pin.title")), p.Para(p.T("maint.pin.hint"), widget.LowImportance), dots,
		container.NewCenter(pad), container.NewCenter(kit.TouchSized(enter, 360)), p.Message(msg, widget.DangerImportance)}
	return kit.Centred(items...), []fyne.CanvasObject{p.NavButton("common.cancel", p.closePIN)}
}

// pinTimeout closes a PIN pad nobody uses: a taxpayer's card is not read while it shows.
const pinTimeout = time.Minute

// pinTick closes the PIN pad after pinTimeout without a tap.
func (p *Pages) pinTick() {
	if p.host.Now().Sub(p.pin.touched) >= pinTimeout {
		p.closePIN()
	}
}

func (p *Pages) pinKey(k string) {
	p.pin.touched = p.host.Now()
	switch k {
	case "back":
		if p.pin.digits != "" {
			p.pin.digits = p.pin.digits[:len(p.pin.digits)-1]
		}
	case "clear":
		p.pin.digits = ""
	case "ok":
		pin, via := p.pin.digits, p.pin.via
		p.pin.digits = ""
		p.inflight.Add(1)
		go func() { // scrypt takes tens of milliseconds: off the UI thread
			defer p.inflight.Add(-1)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := p.gate.EnterMaintenance(ctx, pin, via)
			p.host.Do(func() { p.Answer(err) })
		}()
		return
	default:
		if len(p.pin.digits) < 12 {
			p.pin.digits += k
		}
	}
	p.pin.msgKey = ""
	p.host.Render()
}

// Answer shows the core's answer to a PIN or a technician's card: the menu, or why not.
func (p *Pages) Answer(err error) {
	if p.mode != modePIN {
		return // the pad closed meanwhile
	}
	if err == nil {
		p.pin, p.mt, p.mode = pinPad{}, maintState{}, modeMenu
		p.host.Opened()
		return
	}
	p.pin.msgKey, p.pin.kv = p.gate.Refusal(err)
	p.host.Render()
}
