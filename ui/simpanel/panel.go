package simpanel

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/ui/bridge"
	kt "taxkiosk/ui/theme"
)

// Sims is what the panel drives: package demo's Demo.
type Sims interface {
	PlaceCard(key string) error
	LiftCard()
	ScanSample(i int) error
	ScanLastReceipt() (ok bool, err error)
	SetPaper(state string) error
	SetCover(open bool)
	SetLink(up bool)
	OnReceipt(func(escpossim.Receipt))
	SetPresence(on bool)
	SetDoor(open bool)
	PressHelp()
	TowerLight() gpio.TowerMode
	SetReaderFault(name string) error
	SetPrinterFault(name string) error
	ScannerNoise(kind string) error
	SetPlugged(device string, plugged bool) error
}

// The faults the panel offers, by the simulators' own names (idcardsim.ParseFault,
// escpossim.ParseFault).
var (
	readerFaults  = []string{"none", "garbage", "bad-checksum-once", "slow=2s", "late-once", "silent", "lift-mid-read", "sam"}
	printerFaults = []string{"none", "garbage", "slow", "silent", "paper-out-after=300", "cover-open-after=300"}
)

// Panel is the control panel's content.
type Panel struct {
	sims Sims
	tr   i18n.Translator

	Persona  *widget.Select
	Place    *widget.Button
	Lift     *widget.Button
	Sample   *widget.Select
	Scan     *widget.Button
	ScanLast *widget.Button // scans the last receipt printed here, for a progress lookup
	Paper    *widget.RadioGroup
	Cover    *widget.Check
	Link     *widget.Check
	Receipts *widget.Entry
	Status   *widget.Label
	Presence *widget.Check
	Door     *widget.Check
	Help     *widget.Button
	Tower    *widget.Label
	Faults   fyne.CanvasObject

	count int
}

// New builds the panel.
func New(s Sims, tr i18n.Translator) *Panel {
	p := &Panel{sims: s, tr: tr}
	personas := idcardsim.Personas()
	labels := make([]string, len(personas))
	for i, ps := range personas {
		labels[i] = ps.Label
	}
	p.Status = widget.NewLabel("")
	p.Persona = widget.NewSelect(labels, nil)
	p.Persona.SetSelectedIndex(0)
	p.Place = widget.NewButton(tr.T("sim.card.place"), func() {
		p.report(s.PlaceCard(personas[p.Persona.SelectedIndex()].Key), "sim.card.placed")
	})
	p.Lift = widget.NewButton(tr.T("sim.card.lift"), func() { s.LiftCard(); p.report(nil, "sim.card.lifted") })

	samples := scannersim.SampleCodes()
	slabels := make([]string, len(samples))
	for i, sm := range samples {
		slabels[i] = sm.Label
	}
	p.Sample = widget.NewSelect(slabels, nil)
	p.Sample.SetSelectedIndex(0)
	p.Scan = widget.NewButton(tr.T("sim.scan"), func() {
		p.report(s.ScanSample(p.Sample.SelectedIndex()), "sim.scanned")
	})
	// The samples are another kiosk's receipts: progress lookup needs one printed here.
	p.ScanLast = widget.NewButton(tr.T("sim.scan_last_receipt"), func() {
		ok, err := s.ScanLastReceipt()
		if err == nil && !ok {
			p.Status.SetText(tr.T("sim.receipts.none"))
			return
		}
		p.report(err, "sim.scanned")
	})

	paper := map[string]string{tr.T("sim.paper.ok"): escpossim.PaperOK, tr.T("sim.paper.near_end"): escpossim.PaperNearEnd, tr.T("sim.paper.end"): escpossim.PaperEnd}
	p.Paper = widget.NewRadioGroup([]string{tr.T("sim.paper.ok"), tr.T("sim.paper.near_end"), tr.T("sim.paper.end")}, func(v string) {
		if state, ok := paper[v]; ok {
			p.report(s.SetPaper(state), "sim.printer.set")
		}
	})
	p.Paper.Horizontal = true
	p.Paper.SetSelected(tr.T("sim.paper.ok"))
	p.Cover = widget.NewCheck(tr.T("sim.cover_open"), func(open bool) { s.SetCover(open); p.report(nil, "sim.printer.set") })
	p.Link = widget.NewCheck(tr.T("sim.link_up"), func(up bool) {
		s.SetLink(up)
		if up {
			p.report(nil, "sim.link.restored")
		} else {
			p.report(nil, "sim.link.cut")
		}
	})
	p.Link.SetChecked(true)

	p.Presence = widget.NewCheck(tr.T("sim.presence"), func(on bool) { s.SetPresence(on); p.report(nil, "sim.cabinet.set") })
	p.Door = widget.NewCheck(tr.T("sim.door_open"), func(open bool) { s.SetDoor(open); p.report(nil, "sim.cabinet.set") })
	p.Help = widget.NewButton(tr.T("sim.help"), func() { s.PressHelp(); p.report(nil, "sim.help.pressed") })
	p.Tower = widget.NewLabel("")
	p.Tick()
	p.Faults = p.faults()

	p.Receipts = widget.NewMultiLineEntry()
	p.Receipts.TextStyle = fyne.TextStyle{Monospace: true}
	p.Receipts.SetPlaceHolder(tr.T("sim.receipts.none"))
	p.Receipts.Wrapping = fyne.TextWrapOff
	s.OnReceipt(func(r escpossim.Receipt) {
		bridge.Do(func() { p.addReceipt(r) })
	})
	return p
}

// faults builds the fault-injection group: a fault per simulator, scanner noise, and the
// plug of each device.
func (p *Panel) faults() fyne.CanvasObject {
	s, tr := p.sims, p.tr
	reader := widget.NewSelect(readerFaults, func(f string) { p.report(s.SetReaderFault(f), "sim.fault.set", "fault", f) })
	reader.PlaceHolder = tr.T("sim.fault.reader")
	printer := widget.NewSelect(printerFaults, func(f string) { p.report(s.SetPrinterFault(f), "sim.fault.set", "fault", f) })
	printer.PlaceHolder = tr.T("sim.fault.printer")
	garbage := widget.NewButton(tr.T("sim.fault.scanner_garbage"), func() { p.report(s.ScannerNoise("garbage"), "sim.scanned") })
	overlong := widget.NewButton(tr.T("sim.fault.scanner_overlong"), func() { p.report(s.ScannerNoise("overlong"), "sim.scanned") })
	box := container.NewVBox(
		widget.NewForm(widget.NewFormItem(tr.T("sim.fault.reader"), reader), widget.NewFormItem(tr.T("sim.fault.printer"), printer)),
		container.NewGridWithColumns(2, garbage, overlong),
	)
	for _, dev := range []string{"idcard", "printer", "scanner"} {
		c := widget.NewCheck(tr.T("sim.plugged."+dev), func(on bool) { p.report(s.SetPlugged(dev, on), "sim.plug.set") })
		c.SetChecked(true)
		box.Add(c)
	}
	return box
}

// Tick shows the tower light's mode; main calls it every second on the UI thread.
func (p *Panel) Tick() {
	p.Tower.SetText(p.tr.T("sim.tower", "mode", p.tr.T("sim.tower."+string(p.sims.TowerLight()))))
}

func (p *Panel) report(err error, okKey string, kv ...any) {
	if err != nil {
		p.Status.SetText(p.tr.T("sim.failed", "err", err.Error()))
		return
	}
	p.Status.SetText(p.tr.T(okKey, kv...))
}

func (p *Panel) addReceipt(r escpossim.Receipt) {
	p.count++
	head := p.tr.T("sim.receipts.head", "n", p.count, "bytes", r.Bytes)
	if !r.Cut {
		head += " " + p.tr.T("sim.receipts.torn")
	}
	p.Receipts.SetText(head + "\n" + r.Text + "\n" + p.Receipts.Text)
}

// Content lays the panel out.
func (p *Panel) Content() fyne.CanvasObject {
	group := func(titleKey string, objs ...fyne.CanvasObject) fyne.CanvasObject {
		return widget.NewCard(p.tr.T(titleKey), "", container.NewVBox(objs...))
	}
	left := container.NewVBox(
		group("sim.group.card", p.Persona, container.NewGridWithColumns(2, p.Place, p.Lift)),
		group("sim.group.scanner", p.Sample, container.NewGridWithColumns(2, p.Scan, p.ScanLast)),
		group("sim.group.printer", p.Paper, p.Cover),
		group("sim.group.network", p.Link),
		group("sim.group.cabinet", p.Presence, p.Door, p.Help, p.Tower),
		group("sim.group.faults", p.Faults),
		p.Status,
	)
	receipts := widget.NewCard(p.tr.T("sim.group.receipts"), "", p.Receipts)
	split := container.NewHSplit(container.NewVScroll(left), receipts)
	split.Offset = 0.4
	return container.NewThemeOverride(split, kt.NewCompact())
}
