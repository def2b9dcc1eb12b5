package techpages

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"taxkiosk/assets"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/tech"
	"taxkiosk/ui/kit"
	kt "taxkiosk/ui/theme"
)

// host is a window of its own for the pages, drawing them as package screens does: the
// body above a bar of the navigation buttons.
type host struct {
	p    *Pages
	root *fyne.Container
}

func (h *host) Render() {
	h.p.Clear()
	body, nav := h.p.MenuScreen()
	h.root.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewHBox(nav...), nil, nil, body)}
	h.root.Refresh()
}
func (h *host) Do(f func())    { f() }
func (h *host) Now() time.Time { return time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC) }
func (h *host) Opened()        {}
func (h *host) Closed()        {}

// TestConfigKeyboardStaysPut shows a setting's keyboard with and without the verdict of a
// save (refused, saved, saving) and fails when a key moves: the next tap would land on
// another key.
func TestConfigKeyboardStaysPut(t *testing.T) {
	a := test.NewTempApp(t)
	th := kt.New()
	a.Settings().SetTheme(th)
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	h := &host{root: container.NewStack()}
	h.p = New(kit.NewFace(cat, th, i18n.ZH, nil), h, nil, nil)
	w := test.NewTempWindow(t, h.root)
	for _, s := range []tech.Setting{{Key: "hall_url", Type: "url", Value: "https://hall.local:8443"}, {Key: "idcard.baud", Type: "int", Value: "115200"}} {
		for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 1920, Height: 1080}} {
			w.Resize(size)
			for _, l := range i18n.Langs {
				h.p.SetLang(l)
				h.p.mt = maintState{page: pageEdit, edit: settingEdit{s: s, text: s.Value}}
				h.Render()
				first := keyPlaces(h.p)
				if len(first) == 0 {
					t.Fatalf("%s: no keys", s.Key)
				}
				for _, note := range []maintNote{
					{key: "maint.config.bad_value_why", kv: []any{"why", words{"maint.config.failed", nil}}, imp: widget.DangerImportance},
					{key: "maint.config.saved_restart", imp: widget.SuccessImportance},
					{},
				} {
					h.p.mt.note = note
					h.Render()
					for k, was := range keyPlaces(h.p) {
						if first[k] != was {
							t.Errorf("%s/%s/%v: key %q moved from %v to %v with note %q", s.Key, l, size, k, first[k], was, note.key)
						}
					}
				}
			}
		}
	}
}

// keyPlaces are the keyboard's keys' absolute positions, by key.
func keyPlaces(p *Pages) map[string]fyne.Position {
	out := map[string]fyne.Position{}
	for _, k := range p.Keys() {
		if len(k) > 3 && k[:3] == "kb." {
			out[k] = fyne.CurrentApp().Driver().AbsolutePositionForObject(p.Button(k))
		}
	}
	return out
}
