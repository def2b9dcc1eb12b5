package staffweb

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/i18n"
)

// Page is one staff page. Its template file defines "content" (the page below the layout's
// header) and, for a page that updates live, "live": the part re-rendered whenever a
// message of one of Topics is published. The layout wraps "live" in an element the
// page's script refreshes from Path?fragment=live, so live updates are the server's own
// HTML and a page works (reloaded by hand) without script.
type Page struct {
	Path     string       // "/seat"; GET only
	Title    string       // catalogue key of its name, in the navigation and the title bar
	Roles    []staff.Role // who sees it; an admin sees every page
	Template string       // file name in FS
	FS       fs.FS        // zero: this package's templates
	Topics   []string     // bus topics that refresh its "live" part
	// Data returns what the templates see as .Data. A nil Data gives them nil.
	Data func(c *Ctx) (any, error)
	// Public pages need no login: the hall display, reached by its secret URL. Their
	// handler checks what it needs itself (Data is given no Account).
	Public bool
	// NoNav hides the navigation and header (the full-screen display).
	NoNav bool
	// Class is added to the body's classes, for the page's own styles.
	Class string

	tmpl *template.Template
}

// Ctx is one request to a page or action: who asks, in which language.
type Ctx struct {
	W       http.ResponseWriter
	R       *http.Request
	Account staff.Account // zero on a Public page
	Session staff.Session
	Lang    i18n.Lang
	app     *App
}

// T words key in the request's language.
func (c *Ctx) T(key string, kv ...any) string { return c.app.o.Catalog.T(c.Lang, key, kv...) }

// Now is the App's clock.
func (c *Ctx) Now() time.Time { return c.app.o.Now() }

// Store is the staff store.
func (c *Ctx) Store() staff.Store { return c.app.o.Store }

// Bus is the App's bus.
func (c *Ctx) Bus() staff.Bus { return c.app.o.Bus }

// View is what a page's templates see.
type View struct {
	Page    *Page
	Data    any
	Account staff.Account
	CSRF    string
	Lang    i18n.Lang
	Nav     []NavItem
	Message string // a catalogue key from the last action (?msg=)
	Path    string
	ctx     *Ctx
}

// NavItem is one link of the navigation.
type NavItem struct {
	Path, Title string
	Current     bool
}

// T words a catalogue key in the page's language: {{.T "staff.seat.title"}}.
func (v View) T(key string, kv ...any) string { return v.ctx.T(key, kv...) }

// Other is the language the switch offers.
func (v View) Other() i18n.Lang {
	if v.Lang == i18n.EN {
		return i18n.ZH
	}
	return i18n.EN
}

// Wait words a duration for staff: "3分12秒" / "3 min 12 s".
func (v View) Wait(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = 0
	}
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	if m >= 60 {
		return v.T("staff.dur.hm", "h", m/60, "m", m%60)
	}
	if m > 0 {
		return v.T("staff.dur.ms", "m", m, "s", s)
	}
	return v.T("staff.dur.s", "s", s)
}

// KioskText words a kiosk's own catalogue key (the last message a taxpayer saw), or shows
// it as it is when the catalogue lacks it (a kiosk newer than the hall).
func (v View) KioskText(key string) string {
	if v.ctx.app.o.Catalog.Has(key) {
		return v.T(key)
	}
	return key
}

// ScreenName words a kiosk screen's name.
func (v View) ScreenName(screen string) string {
	if key := "staff.screen." + screen; v.ctx.app.o.Catalog.Has(key) {
		return v.T(key)
	}
	return screen
}

// Clock shows a time of day in the hall's zone (China Standard Time).
func (v View) Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(hallZone).Format("15:04:05")
}

var hallZone = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"join": strings.Join,
}

// Page registers p. It panics on a template that does not parse: pages are registered at
// start-up, from templates compiled into the binary, so this is a programming error.
func (a *App) Page(p Page) {
	pp := p
	if pp.FS == nil {
		pp.FS = templateFS
		pp.Template = "templates/" + pp.Template
	}
	t, err := a.base.Clone()
	if err == nil {
		t, err = t.ParseFS(pp.FS, pp.Template)
	}
	if err != nil {
		panic(fmt.Errorf("%w: %s: %w", ErrTemplate, pp.Path, err))
	}
	pp.tmpl = t
	a.pages = append(a.pages, &pp)
	a.mux.HandleFunc("GET "+pp.Path, func(w http.ResponseWriter, r *http.Request) { a.servePage(&pp, w, r) })
}

func (a *App) servePage(p *Page, w http.ResponseWriter, r *http.Request) {
	var c *Ctx
	if p.Public {
		c = &Ctx{W: w, R: r, Lang: a.lang(r), app: a}
	} else {
		var ok bool
		if c, ok = a.session(w, r); !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		if !c.Account.Sees(p.Roles...) {
			a.forbidden(c)
			return
		}
	}
	var data any
	if p.Data != nil {
		var err error
		if data, err = p.Data(c); err != nil {
			if errors.Is(err, errNotFoundPage) {
				http.NotFound(w, r)
				return
			}
			a.o.Log.Error("staff page", "page", p.Path, "err", err)
			http.Error(w, c.T("staff.err.storage"), http.StatusServiceUnavailable)
			return
		}
	}
	if r.URL.Query().Get("fragment") == "live" {
		a.execute(c, p, "live", http.StatusOK, data)
		return
	}
	a.render(c, http.StatusOK, p, data)
}

// errNotFoundPage lets a Public page's Data answer 404 (a wrong display token).
var errNotFoundPage = errors.New("staffweb: no such page")

// NotFound is what a Public page's Data returns to answer 404.
func NotFound() error { return errNotFoundPage }

// render writes the layout with p's content (p nil: the layout's own empty page).
func (a *App) render(c *Ctx, status int, p *Page, data any) {
	if p == nil {
		p = &Page{Title: "staff.app.title", tmpl: a.base}
	}
	a.execute(c, p, "layout", status, data)
}

func (a *App) execute(c *Ctx, p *Page, name string, status int, data any) {
	v := View{Page: p, Data: data, Account: c.Account, CSRF: c.Session.CSRF, Lang: c.Lang, Path: c.R.URL.Path, ctx: c}
	if msg := c.R.URL.Query().Get("msg"); a.o.Catalog.Has(msg) && strings.HasPrefix(msg, "staff.") {
		v.Message = msg
	}
	if !p.Public {
		for _, q := range a.pages {
			if !q.Public && c.Account.Sees(q.Roles...) {
				v.Nav = append(v.Nav, NavItem{Path: q.Path, Title: q.Title, Current: q == p})
			}
		}
	}
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		a.o.Log.Error("staff template", "page", p.Path, "err", err)
		http.Error(c.W, c.T("staff.err.storage"), http.StatusInternalServerError)
		return
	}
	h := c.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	c.W.WriteHeader(status)
	c.W.Write(buf.Bytes())
}

func (a *App) forbidden(c *Ctx) {
	a.audit(c.R.Context(), c.Account.Name, "forbidden", c.R.Method+" "+c.R.URL.Path)
	a.render(c, http.StatusForbidden, &Page{Title: "staff.err.forbidden", tmpl: a.base}, nil)
}

// ActionFunc does one staff action. It returns what the audit trail records besides the
// action's name (never personal data), or an error, which is worded for the person.
type ActionFunc func(c *Ctx) (detail string, err error)

// Action registers a POST endpoint for roles at path, named name in the audit trail. Every
// action needs a session and the session's CSRF token in the form field "csrf"; it is
// audited (who, name, detail, when) whether it succeeds or not, and answers with a
// redirect back to the page it came from (the form's "back" field, a path of this app),
// with ?msg= naming what to tell the person.
func (a *App) Action(path, name string, roles []staff.Role, f ActionFunc) {
	a.mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		c, ok := a.session(w, r)
		if !ok {
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if r.ParseForm() != nil || !sameToken(r.PostForm.Get("csrf"), c.Session.CSRF) {
			a.audit(r.Context(), c.Account.Name, "csrf_refused", path)
			http.Error(w, c.T("staff.err.csrf"), http.StatusForbidden)
			return
		}
		if !c.Account.Sees(roles...) {
			a.forbidden(c)
			return
		}
		detail, err := f(c)
		msg := "staff.msg.done"
		if err != nil {
			msg = a.errorKey(err)
			detail = strings.TrimSpace(detail + " refused: " + msg)
		}
		if aerr := a.audit(r.Context(), c.Account.Name, name, detail); aerr != nil && err == nil {
			msg = "staff.err.audit"
		}
		back := r.PostForm.Get("back")
		if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") {
			back = "/"
		}
		u, _ := url.Parse(back)
		q := u.Query()
		q.Set("msg", msg)
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
	})
}
