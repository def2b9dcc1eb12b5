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
	SetPaper(state string) error
	SetCover(open bool)
	SetLink(up bool)
	OnReceipt(func(escpossim.Receipt))
	SetPresence(on bool)
	SetDoor(open bool)
	PressHelp()
	TowerLight() gpio.TowerMode
}

// Panel is the control panel's content.
type Panel struct {
	sims Sims
	tr   i18n.Translator

	Persona  *widget.Select
	Place    *widget.Button
	Lift     *widget.Button
	Sample   *widget.Select
	Scan     *widget.Button
	Paper    *widget.RadioGroup
	Cover    *widget.Check
	Link     *widget.Check
	Receipts *widget.Entry
	Status   *widget.Label
	Presence *widget.Check
	Door     *widget.Check
	Help     *widget.Button
	Tower    *widget.Label

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

	p.Receipts = widget.NewMultiLineEntry()
	p.Receipts.TextStyle = fyne.TextStyle{Monospace: true}
	p.Receipts.SetPlaceHolder(tr.T("sim.receipts.none"))
	p.Receipts.Wrapping = fyne.TextWrapOff
	s.OnReceipt(func(r escpossim.Receipt) {
		bridge.Do(func() { p.addReceipt(r) })
	})
	return p
}

// Tick shows the tower light's mode; main calls it every second on the UI thread.
func (p *Panel) Tick() {
	p.Tower.SetText(p.tr.T("sim.tower", "mode", p.tr.T("sim.tower."+string(p.sims.TowerLight()))))
}

func (p *Panel) report(err error, okKey string) {
	if err != nil {
		p.Status.SetText(p.tr.T("sim.failed", "err", err.Error()))
		return
	}
	p.Status.SetText(p.tr.T(okKey))
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
		group("sim.group.scanner", p.Sample, p.Scan),
		group("sim.group.printer", p.Paper, p.Cover),
		group("sim.group.network", p.Link),
		group("sim.group.cabinet", p.Presence, p.Door, p.Help, p.Tower),
		p.Status,
	)
	receipts := widget.NewCard(p.tr.T("sim.group.receipts"), "", p.Receipts)
	split := container.NewHSplit(container.NewVScroll(left), receipts)
	split.Offset = 0.4
	return container.NewThemeOverride(split, kt.NewCompact())
}
