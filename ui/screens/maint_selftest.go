package screens

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/tech"
)

// selfTests are the self-test buttons: the device tested, the button's key and what the
// screen says while the test waits (for a card, a scan, the printer).
func selfTests() []struct{ device, key, waitKey string } {
	return []struct{ device, key, waitKey string }{
		{tech.DeviceIDCard, "maint.selftest.idcard", "maint.selftest.idcard.wait"},
		{tech.DevicePrinter, "maint.selftest.printer", "maint.selftest.printer.wait"},
		{tech.DeviceScanner, "maint.selftest.scanner", "maint.selftest.scanner.wait"},
		{tech.DeviceGPIO, "maint.selftest.gpio", "common.please_wait"},
	}
}

// selfTestPage runs one device's self-test at a time and shows what it found (a card's
// fields masked, a code's kind and length, never its content), beside the cabinet's
// inputs, live, and a switch for each output.
func (a *App) selfTestPage() fyne.CanvasObject {
	buttons := container.NewHBox()
	for _, st := range selfTests() {
		b := a.button(st.key, widget.MediumImportance, func() { a.runSelfTest(st.device, st.waitKey) })
		if a.mt.job != nil {
			b.Disable()
		}
		buttons.Add(touchSized(b, 240))
	}
	result := container.NewVBox(a.para(a.T("maint.selftest.result"), widget.MediumImportance))
	if r := a.mt.selfTest; r == nil {
		result.Add(a.para(a.T("maint.selftest.none"), widget.LowImportance))
	} else {
		name := a.label("maint.dev."+r.Device, r.Device)
		if r.OK {
			result.Add(a.infoRow(toneOK, name, a.T("maint.selftest.ok")))
		} else {
			result.Add(a.infoRow(toneBad, name, a.T("maint.selftest.failed")))
			if r.MessageKey != "" {
				result.Add(a.para(a.T(r.MessageKey), widget.DangerImportance))
			}
		}
		for _, f := range r.Fields {
			result.Add(a.infoRow(toneNone, a.fieldLabel(f.Label), a.fieldValue(f)))
		}
		result.Add(a.infoRow(toneNone, a.T("maint.selftest.took"), a.vary(time.Duration(r.Took).Round(time.Millisecond).String())))
	}
	return container.NewBorder(container.NewCenter(buttons), nil, nil, nil,
		container.NewGridWithColumns(2, container.NewPadded(result), container.NewPadded(a.gpioPanel())))
}

// runSelfTest tests one device off the UI thread: a card read waits up to 5 s for a card,
// a scan up to 15 s for a code.
func (a *App) runSelfTest(device, waitKey string) {
	a.mt.selfTest = nil
	a.maintJob(waitKey, func(ctx context.Context) func() {
		r := a.tech.SelfTest(ctx, device)
		return func() { a.mt.selfTest = &r }
	})
}

// fieldLabel names a self-test field: the field's label is a catalogue key, or the last
// part of one under maint.field.
func (a *App) fieldLabel(l string) string {
	if a.cat.Has(l) {
		return a.T(l)
	}
	return a.label("maint.field."+l, l)
}

// fieldValue translates the values a self-test reports as words (a card's type, a code's
// kind, a pin's level); masked names and numbers pass through as they are.
func (a *App) fieldValue(f tech.Field) string {
	if f.Label == "card_type" {
		return a.label("card."+f.Value, f.Value)
	}
	return a.label("maint.value."+f.Value, f.Value)
}

// gpioPanel is the cabinet's inputs as they are now and a switch per output.
func (a *App) gpioPanel() fyne.CanvasObject {
	box := container.NewVBox(a.para(a.T("maint.gpio.title"), widget.MediumImportance))
	switch {
	case a.mt.pins == nil:
		box.Add(a.para(a.T("maint.gpio.reading"), widget.LowImportance))
		return box
	case len(a.mt.pins) == 0:
		box.Add(a.para(a.T("maint.gpio.none"), widget.LowImportance))
		return box
	}
	for _, p := range a.mt.pins {
		if p.Output {
			continue
		}
		t, v := toneNone, a.T("maint.gpio.inactive")
		switch {
		case !p.Fitted:
			v = a.T("maint.gpio.not_fitted")
		case p.Active:
			t, v = toneOK, a.T("maint.gpio.active")
		}
		box.Add(a.infoRow(t, a.label("maint.gpio."+p.Name, p.Name), v))
	}
	outs := container.NewGridWithColumns(2)
	for _, p := range a.mt.pins {
		if !p.Output {
			continue
		}
		state := a.T("maint.gpio.off")
		if p.Active {
			state = a.T("maint.gpio.on")
		}
		b := a.button("maint.output."+p.Name, widget.MediumImportance, func() { a.setOutput(p.Name, !p.Active) })
		b.SetText(a.label("maint.gpio."+p.Name, p.Name) + a.T("maint.sep") + state)
		if p.Active {
			b.Importance = widget.WarningImportance
		}
		if !p.Fitted || a.mt.job != nil {
			b.Disable()
		}
		outs.Add(touchSized(b, 200))
	}
	box.Add(outs)
	return box
}

// readPins reads the GPIO levels off the UI thread (the cabinet answers over its own bus)
// and redraws only when a level changed, so the page does not flicker every second.
func (a *App) readPins() {
	if a.mt.pinsReading {
		return
	}
	a.mt.pinsReading, a.mt.pinsAt = true, a.now()
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Add(-1)
		pins := a.tech.Pins()
		if pins == nil {
			pins = []tech.Pin{} // read, and nothing fitted: not "still reading"
		}
		a.do(func() {
			a.mt.pinsReading = false
			if a.screen != ScreenMaint || a.mt.page != pageSelfTest || slices.Equal(pins, a.mt.pins) {
				return
			}
			a.mt.pins = pins
			a.render()
		})
	}()
}

// setOutput switches an output (the tower light, an indicator) and reads the levels back.
func (a *App) setOutput(name string, on bool) {
	a.maintJob("common.please_wait", func(ctx context.Context) func() {
		err := a.tech.SetOutput(ctx, name, on)
		pins := a.tech.Pins()
		return func() {
			if pins != nil {
				a.mt.pins = pins
			}
			if err != nil {
				a.say(widget.DangerImportance, "maint.gpio.failed")
			}
		}
	})
}
