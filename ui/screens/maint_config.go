package screens

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
func (a *App) configPage() fyne.CanvasObject {
	grid := container.NewGridWithColumns(2)
	varies := map[string]bool{}
	for _, s := range a.tech.Settings() {
		grid.Add(a.settingButton(s))
		varies[s.Key] = s.Type == config.TypePath || s.Type == config.TypeURL
	}
	log := container.NewVBox(a.para(a.T("maint.config.log"), widget.MediumImportance))
	changes := a.tech.ConfigLog()
	if len(changes) == 0 {
		log.Add(a.para(a.T("maint.config.log_empty"), widget.LowImportance))
	}
	for i := len(changes) - 1; i >= 0 && i >= len(changes)-changesShown; i-- { // newest first
		c := changes[i]
		old, now := shownValue(c.Old), shownValue(c.New)
		if varies[c.Key] {
			old, now = a.vary(old), a.vary(now)
		}
		log.Add(container.NewCenter(a.smallText(a.T("maint.config.change", "time", a.stamp(c.At), "key", c.Key,
			"old", old, "new", now, "by", a.label("maint.config.by."+c.By, c.By)), true)))
	}
	return container.NewBorder(nil, log, nil, nil, container.NewVScroll(grid))
}

// settingButton is a setting's name and current value on a touch-sized button.
func (a *App) settingButton(s tech.Setting) fyne.CanvasObject {
	b := a.button("maint.setting."+s.Key, widget.MediumImportance, func() {
		a.mt.edit = settingEdit{s: s, text: s.Value}
		a.mt.page = pageEdit
		a.mt.note = maintNote{}
		a.render()
	})
	b.SetText("")
	name := canvas.NewText(a.settingName(s.Key), kt.Ink)
	name.TextSize = a.theme.Size(fynetheme.SizeNameCaptionText) * 1.1
	name.TextStyle.Bold = true
	value := shownValue(s.Value)
	if s.Type == config.TypePath || s.Type == config.TypeURL {
		value = a.vary(value) // device paths and the hall's address differ between kiosks (and test runs)
	}
	if s.Restart {
		value += "  " + a.T("maint.config.restart_mark")
	}
	v := a.smallText(value, true)
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(300, kt.MinTouch))
	return container.NewStack(r, b, container.NewPadded(container.NewVBox(name, v)))
}

// settingName is a setting's name for people: from the catalogue, or composed for the
// offline policy's per-service rules, or the key itself.
func (a *App) settingName(key string) string {
	if rest, ok := strings.CutPrefix(key, policyPrefix); ok {
		if service, field, ok := strings.Cut(rest, "."); ok {
			return a.T("maint.setting.policy", "service", a.label("kind."+service, service), "field", a.label("maint.setting.policy."+field, field))
		}
	}
	return a.label("maint.setting."+key, key)
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
func (a *App) editPage() fyne.CanvasObject {
	e := a.mt.edit
	about := a.settingName(e.s.Key) + " · " + e.s.Key
	if e.s.Restart {
		about += " · " + a.T("maint.config.restart_mark")
	}
	cs := choices(e.s)
	cursor := "▏"
	if cs != nil {
		cursor = ""
	}
	shown := canvas.NewText(shownValue(e.text)+cursor, kt.Ink)
	shown.TextSize = a.theme.Size("subHeadingText")
	shown.TextStyle.Monospace = true
	shown.Alignment = fyne.TextAlignCenter
	items := []fyne.CanvasObject{a.para(about, widget.LowImportance), shown}

	if cs != nil {
		row := container.NewHBox()
		for _, c := range cs {
			b := a.button("kb.choice."+c, widget.MediumImportance, func() { a.mt.edit.text = c; a.render() })
			b.SetText(a.label("maint.choice."+c, shownValue(c)))
			if c == e.text {
				b.Importance = widget.HighImportance
			}
			row.Add(touchSized(b, 200))
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
			b := a.button("kb."+k, widget.MediumImportance, func() { a.typeSetting(label); a.render() })
			b.SetText(label)
			grid.Add(touchSized(b, 64))
		}
		if cols == 11 && len(keys) > 11 { // the text keyboard: capitals for device paths (ttyUSB0)
			caseKey := "maint.kb.upper"
			if e.upper {
				caseKey = "maint.kb.lower"
			}
			grid.Add(touchSized(a.button(caseKey, widget.MediumImportance, func() { a.mt.edit.upper = !a.mt.edit.upper; a.render() }), 64))
		}
		grid.Add(touchSized(a.button("keypad.back", widget.MediumImportance, func() {
			a.mt.note = maintNote{}
			if r := []rune(a.mt.edit.text); len(r) > 0 {
				a.mt.edit.text = string(r[:len(r)-1])
			}
			a.render()
		}), 64))
		items = append(items, grid)
	}
	buttons := []fyne.CanvasObject{}
	if cs == nil {
		clear := a.button("keypad.clear", widget.MediumImportance, func() { a.mt.note = maintNote{}; a.mt.edit.text = ""; a.render() })
		buttons = append(buttons, touchSized(clear, 200))
	}
	save := a.button("maint.config.save", widget.HighImportance, a.saveSetting)
	if a.mt.job != nil {
		save.Disable()
	}
	return centred(append(items, actions(append(buttons, touchSized(save, 280))...))...)
}

// maxSetting bounds what can be typed: the longest sensible URL or path.
const maxSetting = 120

// typeSetting appends k to the typed text; any key clears the last save's verdict.
func (a *App) typeSetting(k string) {
	a.mt.note = maintNote{}
	if len(a.mt.edit.text)+len(k) <= maxSetting {
		a.mt.edit.text += k
	}
}

// saveSetting hands the typed value to the kiosk, which validates and saves it (and logs
// and audits the change); a refusal shows its catalogue text, never the Go error.
func (a *App) saveSetting() {
	key, value, restart := a.mt.edit.s.Key, a.mt.edit.text, a.mt.edit.s.Restart
	a.maintJob("common.please_wait", func(ctx context.Context) func() {
		err := a.tech.ChangeSetting(ctx, key, value, "screen")
		return func() {
			var se *config.SettingError
			switch {
			case err == nil && restart:
				a.mt.edit.s.Value = value
				a.say(widget.SuccessImportance, "maint.config.saved_restart")
			case err == nil:
				a.mt.edit.s.Value = value
				a.say(widget.SuccessImportance, "maint.config.saved")
			case errors.As(err, &se) && a.cat.Has(se.MessageKey):
				a.say(widget.DangerImportance, se.MessageKey)
			default:
				a.say(widget.DangerImportance, "maint.config.failed")
			}
		}
	})
}
