package techpages

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/tech"
	"taxkiosk/ui/kit"
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
func (p *Pages) selfTestPage() fyne.CanvasObject {
	buttons := container.NewHBox()
	for _, st := range selfTests() {
		b := p.NewButton(st.key, widget.MediumImportance, func() { p.runSelfTest(st.device, st.waitKey) })
		if p.mt.job != nil {
			b.Disable()
		}
		buttons.Add(kit.TouchSized(b, 240))
	}
	result := container.NewVBox(p.Para(p.T("maint.selftest.result"), widget.MediumImportance))
	if r := p.mt.selfTest; r == nil {
		result.Add(p.Para(p.T("maint.selftest.none"), widget.LowImportance))
	} else {
		name := p.TextOr("maint.dev."+r.Device, r.Device)
		if r.OK {
			result.Add(p.infoRow(toneOK, name, p.T("maint.selftest.ok")))
		} else {
			result.Add(p.infoRow(toneBad, name, p.T("maint.selftest.failed")))
			if r.MessageKey != "" {
				result.Add(p.Para(p.T(r.MessageKey), widget.DangerImportance))
			}
		}
		for _, f := range r.Fields {
			result.Add(p.infoRow(toneNone, p.fieldLabel(f.Label), p.fieldValue(f)))
		}
		result.Add(p.infoRow(toneNone, p.T("maint.selftest.took"), p.vary(time.Duration(r.Took).Round(time.Millisecond).String())))
	}
	return container.NewBorder(container.NewCenter(buttons), nil, nil, nil,
		container.NewGridWithColumns(2, container.NewPadded(result), container.NewPadded(p.gpioPanel())))
}

// runSelfTest tests one device off the UI thread: a card read waits up to 5 s for a card,
// a scan up to 15 s for a code.
func (p *Pages) runSelfTest(device, waitKey string) {
	p.mt.selfTest = nil
	p.maintJob(waitKey, func(ctx context.Context) func() {
		r := p.tech.SelfTest(ctx, device)
		return func() { p.mt.selfTest = &r }
	})
}

// fieldLabel names a self-test field: the field's label is a catalogue key, or the last
// part of one under maint.field, or a cabinet line's name under maint.gpio. An indicator the
// hall named in the configuration shows by that name.
func (p *Pages) fieldLabel(l string) string {
	if p.Cat().Has(l) {
		return p.T(l)
	}
	return p.TextOr("maint.field."+l, p.TextOr("maint.gpio."+l, l))
}

// fieldValue translates the values a self-test reports as words (a card's type, a code's
// kind, a pin's level); masked names and numbers pass through as they are.
func (p *Pages) fieldValue(f tech.Field) string {
	if f.Label == "card_type" {
		return p.TextOr("card."+f.Value, f.Value)
	}
	return p.TextOr("maint.value."+f.Value, f.Value)
}

// gpioPanel is the cabinet's inputs as they are now and a switch per output.
func (p *Pages) gpioPanel() fyne.CanvasObject {
	box := container.NewVBox(p.Para(p.T("maint.gpio.title"), widget.MediumImportance))
	switch {
	case p.mt.pins == nil:
		box.Add(p.Para(p.T("maint.gpio.reading"), widget.LowImportance))
		return box
	case len(p.mt.pins) == 0:
		box.Add(p.Para(p.T("maint.gpio.none"), widget.LowImportance))
		return box
	}
	for _, pin := range p.mt.pins {
		if pin.Output {
			continue
		}
		t, v := toneNone, p.T("maint.gpio.inactive")
		switch {
		case !pin.Fitted:
			v = p.T("maint.gpio.not_fitted")
		case pin.Active:
			t, v = toneOK, p.T("maint.gpio.active")
		}
		box.Add(p.infoRow(t, p.TextOr("maint.gpio."+pin.Name, pin.Name), v))
	}
	outs := container.NewGridWithColumns(2)
	for _, pin := range p.mt.pins {
		if !pin.Output {
			continue
		}
		state := p.T("maint.gpio.off")
		if pin.Active {
			state = p.T("maint.gpio.on")
		}
		b := p.NewButton("maint.output."+pin.Name, widget.MediumImportance, func() { p.setOutput(pin.Name, !pin.Active) })
		b.SetText(p.TextOr("maint.gpio."+pin.Name, pin.Name) + p.T("maint.sep") + state)
		if pin.Active {
			b.Importance = widget.WarningImportance
		}
		if !pin.Fitted || p.mt.job != nil {
			b.Disable()
		}
		outs.Add(kit.TouchSized(b, 200))
	}
	box.Add(outs)
	return box
}

// readPins reads the GPIO levels off the UI thread (the cabinet answers over its own bus)
// and redraws only when a level changed, so the page does not flicker every second.
func (p *Pages) readPins() {
	if p.mt.pinsReading {
		return
	}
	p.mt.pinsReading, p.mt.pinsAt = true, p.host.Now()
	p.inflight.Add(1)
	go func() {
		defer p.inflight.Add(-1)
		pins := p.tech.Pins()
		if pins == nil {
			pins = []tech.Pin{} // read, and nothing fitted: not "still reading"
		}
		p.host.Do(func() {
			p.mt.pinsReading = false
			if p.mode != modeMenu || p.mt.page != pageSelfTest || slices.Equal(pins, p.mt.pins) {
				return
			}
			p.mt.pins = pins
			p.host.Render()
		})
	}()
}

// setOutput switches an output (the tower light, an indicator) and reads the levels back.
func (p *Pages) setOutput(name string, on bool) {
	p.maintJob("common.please_wait", func(ctx context.Context) func() {
		err := p.tech.SetOutput(ctx, name, on)
		pins := p.tech.Pins()
		return func() {
			if pins != nil {
				p.mt.pins = pins
			}
			if err != nil {
				p.say(widget.DangerImportance, "maint.gpio.failed")
			}
		}
	})
}
