package techpages

import (
	"context"
	"errors"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/policy"
	"taxkiosk/kiosk/tech"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// settingEdit is the setting on the on-screen keyboard and what has been typed.
type settingEdit struct {
	s     tech.Setting
	text  string
	upper bool // the text keyboard types capitals
}

// changesShown bounds the change log under the settings.
const changesShown = 4

// policyPrefix starts the keys of the offline policy's per-service rules.
const policyPrefix = "offline_policy.services."

// configPage lists the editable settings, each a button that opens the editor, and the
// latest changes below.
func (p *Pages) configPage() fyne.CanvasObject {
	grid := container.NewGridWithColumns(2)
	varies := map[string]bool{}
	for _, s := range p.tech.Settings() {
		grid.Add(p.settingButton(s))
		varies[s.Key] = s.Type == config.TypePath || s.Type == config.TypeURL
	}
	log := container.NewVBox(p.Para(p.T("maint.config.log"), widget.MediumImportance))
	changes := p.tech.ConfigLog()
	if len(changes) == 0 {
		log.Add(p.Para(p.T("maint.config.log_empty"), widget.LowImportance))
	}
	for i := len(changes) - 1; i >= 0 && i >= len(changes)-changesShown; i-- { // newest first
		c := changes[i]
		old, now := shownValue(c.Old), shownValue(c.New)
		if varies[c.Key] {
			old, now = p.vary(old), p.vary(now)
		}
		log.Add(container.NewCenter(p.smallText(p.T("maint.config.change", "time", p.stamp(c.At), "key", c.Key,
			"old", old, "new", now, "by", p.TextOr("maint.config.by."+c.By, c.By)), true)))
	}
	return container.NewBorder(nil, log, nil, nil, container.NewVScroll(grid))
}

// settingButton is a setting's name and current value on a touch-sized button.
func (p *Pages) settingButton(s tech.Setting) fyne.CanvasObject {
	b := p.NewButton("maint.setting."+s.Key, widget.MediumImportance, func() {
		p.mt.edit = settingEdit{s: s, text: s.Value}
		p.mt.page = pageEdit
		p.mt.note = maintNote{}
		p.host.Render()
	})
	b.SetText("")
	name := canvas.NewText(p.settingName(s.Key), kt.Ink)
	name.TextSize = p.Theme().Size(fynetheme.SizeNameCaptionText) * 1.1
	name.TextStyle.Bold = true
	value := shownValue(s.Value)
	if s.Type == config.TypePath || s.Type == config.TypeURL {
		value = p.vary(value) // device paths and the hall's address differ between kiosks (and test runs)
	}
	if s.Restart {
		value += "  " + p.T("maint.config.restart_mark")
	}
	v := p.smallText(value, true)
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(300, kt.MinTouch))
	return container.NewStack(r, b, container.NewPadded(container.NewVBox(name, v)))
}

// settingName is a setting's name for people: from the catalogue, or composed for the
// offline policy's per-service rules, or the key itself.
func (p *Pages) settingName(key string) string {
	if rest, ok := strings.CutPrefix(key, policyPrefix); ok {
		if service, field, ok := strings.Cut(rest, "."); ok {
			return p.T("maint.setting.policy", "service", p.TextOr("kind."+service, service), "field", p.TextOr("maint.setting.policy."+field, field))
		}
	}
	return p.TextOr("maint.setting."+key, key)
}

// shownValue makes an empty value visible.
func shownValue(v string) string {
	if v == "" {
		return "∅"
	}
	return v
}

// choices are the values of a setting that takes one of a few, or nil for one that is typed.
func choices(s tech.Setting) []string {
	switch {
	case s.Type == config.TypeBool:
		return []string{"true", "false"}
	case s.Key == "language":
		out := make([]string, 0, len(i18n.Langs))
		for _, l := range i18n.Langs {
			out = append(out, string(l))
		}
		return out
	case s.Key == "printer.paper_width_mm":
		return []string{"58", "80"}
	case s.Key == "scanner.suffix":
		return []string{"CR", "LF", "CRLF", ""}
	case strings.HasPrefix(s.Key, policyPrefix) && strings.HasSuffix(s.Key, ".mode"):
		return []string{string(policy.OfflineOK), string(policy.OnlineOnly), string(policy.OfflineLimited)}
	}
	return nil
}

// keyboard is the set of keys a setting is typed with.
func keyboard(s tech.Setting) (keys []string, columns int) {
	switch {
	case s.Type == config.TypeInt:
		return strings.Split("1234567890", ""), 11
	case s.Type == config.TypeDuration:
		return append(strings.Split("1234567890.", ""), "ms", "s", "m", "h"), 8
	case strings.HasSuffix(s.Key, "max_offline_amount"):
		return strings.Split("1234567890.", ""), 11
	}
	return strings.Split("1234567890abcdefghijklmnopqrstuvwxyz/.:_-", ""), 11
}

// editPage is one setting on the on-screen keyboard: a choice of values where there are
// few, digits for numbers, digits and units for durations, and letters with "/", ".", ":",
// "_" and "-" for names, paths and addresses.
func (p *Pages) editPage() fyne.CanvasObject {
	e := p.mt.edit
	about := p.settingName(e.s.Key) + " · " + e.s.Key
	if e.s.Restart {
		about += " · " + p.T("maint.config.restart_mark")
	}
	cs := choices(e.s)
	cursor := "▏"
	if cs != nil {
		cursor = ""
	}
	shown := canvas.NewText(shownValue(e.text)+cursor, kt.Ink)
	shown.TextSize = p.Theme().Size("subHeadingText")
	shown.TextStyle.Monospace = true
	shown.Alignment = fyne.TextAlignCenter
	items := []fyne.CanvasObject{p.Para(about, widget.LowImportance), shown}

	if cs != nil {
		row := container.NewHBox()
		for _, c := range cs {
			b := p.NewButton("kb.choice."+c, widget.MediumImportance, func() { p.mt.edit.text = c; p.host.Render() })
			b.SetText(p.TextOr("maint.choice."+c, shownValue(c)))
			if c == e.text {
				b.Importance = widget.HighImportance
			}
			row.Add(kit.TouchSized(b, 200))
		}
		items = append(items, container.NewCenter(row))
	} else {
		keys, cols := keyboard(e.s)
		grid := container.NewGridWithColumns(cols)
		for _, k := range keys {
			label := k
			if e.upper && len(k) == 1 && k[0] >= 'a' && k[0] <= 'z' {
				label = strings.ToUpper(k)
			}
			b := p.NewButton("kb."+k, widget.MediumImportance, func() { p.typeSetting(label); p.host.Render() })
			b.SetText(label)
			grid.Add(kit.TouchSized(b, 64))
		}
		if cols == 11 && len(keys) > 11 { // the text keyboard: capitals for device paths (ttyUSB0)
			caseKey := "maint.kb.upper"
			if e.upper {
				caseKey = "maint.kb.lower"
			}
			grid.Add(kit.TouchSized(p.NewButton(caseKey, widget.MediumImportance, func() { p.mt.edit.upper = !p.mt.edit.upper; p.host.Render() }), 64))
		}
		grid.Add(kit.TouchSized(p.NewButton("keypad.back", widget.MediumImportance, func() {
			p.mt.note = maintNote{}
			if r := []rune(p.mt.edit.text); len(r) > 0 {
				p.mt.edit.text = string(r[:len(r)-1])
			}
			p.host.Render()
		}), 64))
		items = append(items, grid)
	}
	buttons := []fyne.CanvasObject{}
	if cs == nil {
		clear := p.NewButton("keypad.clear", widget.MediumImportance, func() { p.mt.note = maintNote{}; p.mt.edit.text = ""; p.host.Render() })
		buttons = append(buttons, kit.TouchSized(clear, 200))
	}
	save := p.NewButton("maint.config.save", widget.HighImportance, p.saveSetting)
	if p.mt.job != nil {
		save.Disable()
	}
	return kit.Centred(append(items, kit.Actions(append(buttons, kit.TouchSized(save, 280))...))...)
}

// maxSetting bounds what can be typed: the longest sensible URL or path.
const maxSetting = 120

// typeSetting appends k to the typed text; any key clears the last save's verdict.
func (p *Pages) typeSetting(k string) {
	p.mt.note = maintNote{}
	if len(p.mt.edit.text)+len(k) <= maxSetting {
		p.mt.edit.text += k
	}
}

// saveSetting hands the typed value to the kiosk, which validates and saves it (and logs
// and audits the change); a refusal shows its catalogue text, never the Go error.
func (p *Pages) saveSetting() {
	key, value, restart := p.mt.edit.s.Key, p.mt.edit.text, p.mt.edit.s.Restart
	p.maintJob("common.please_wait", func(ctx context.Context) func() {
		err := p.tech.ChangeSetting(ctx, key, value, "screen")
		return func() {
			var se *config.SettingError
			switch {
			case err == nil && restart:
				p.mt.edit.s.Value = value
				p.say(widget.SuccessImportance, "maint.config.saved_restart")
			case err == nil:
				p.mt.edit.s.Value = value
				p.say(widget.SuccessImportance, "maint.config.saved")
			case errors.As(err, &se) && se.Rule.Key != "" && p.Cat().Has(se.Rule.Key):
				p.say(widget.DangerImportance, "maint.config.bad_value_why", "why", words{se.Rule.Key, se.Rule.Args})
			case errors.As(err, &se) && p.Cat().Has(se.MessageKey):
				p.say(widget.DangerImportance, se.MessageKey)
			default:
				p.say(widget.DangerImportance, "maint.config.failed")
			}
		}
	})
}
