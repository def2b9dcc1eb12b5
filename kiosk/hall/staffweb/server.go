package staffweb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"taxkiosk/assets"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/*
var staticFS embed.FS

// Opts configures an App. Store is required; every other zero value is documented.
type Opts struct {
	Store staff.Store
	Bus   staff.Bus        // zero: an in-process staff.MemBus
	Now   func() time.Time // zero: time.Now
	Log   *slog.Logger     // zero: no logging
	// Catalog holds the staff pages' texts (the "staff." keys of assets/translations).
	// Zero: the bundled catalogue.
	Catalog *i18n.Catalog
	// SessionTTL is how long a login lasts: zero, 12 hours (a duty day).
	SessionTTL time.Duration
	// MaxFailures wrong passwords in a row lock an account for LockFor: zero, 5 and 15 min.
	MaxFailures int
	LockFor     time.Duration
	// DisplayToken is the secret part of the hall display's URL (/display/TOKEN): the big
	// screen has no keyboard to log in with. Zero: the display page is not served.
	DisplayToken string
}

// App is the staff web application: an http.Handler serving the pages registered with
// Page and Action, the login, the live-update stream and the embedded assets. Serve it
// over HTTPS only: its cookies are Secure.
type App struct {
	o      Opts
	mux    *http.ServeMux
	base   *template.Template // layout and partials; each page clones it
	loginT *template.Template
	pages  []*Page
	// stop ends every event stream: http.Server.Shutdown waits for connections to go
	// idle, which a stream never does by itself.
	stop     chan struct{}
	stopOnce sync.Once
}

// Stop ends the event streams; register it with http.Server.RegisterOnShutdown.
func (a *App) Stop() { a.stopOnce.Do(func() { close(a.stop) }) }

// New makes an App with the login, logout, language switch, static assets and event
// stream; the pages come with Page and Action (see doc.go).
func New(o Opts) (*App, error) {
	if o.Store == nil {
		return nil, fmt.Errorf("%w: no store", ErrConfig)
	}
	if o.Bus == nil {
		o.Bus = staff.NewMemBus()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Catalog == nil {
		c, err := i18n.Load(assets.Translations())
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		o.Catalog = c
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.MaxFailures == 0 {
		o.MaxFailures = 5
	}
	if o.LockFor == 0 {
		o.LockFor = 15 * time.Minute
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("%w: layout: %w", ErrTemplate, err)
	}
	login, err := base.Clone()
	if err == nil {
		login, err = login.ParseFS(templateFS, "templates/login.html")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: login: %w", ErrTemplate, err)
	}
	a := &App{o: o, mux: http.NewServeMux(), base: base, loginT: login, stop: make(chan struct{})}
	static, _ := fs.Sub(staticFS, "static")
	a.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServerFS(static))))
	a.mux.HandleFunc("GET /static/font.otf", a.font)
	a.mux.HandleFunc("GET /login", a.loginPage)
	a.mux.HandleFunc("POST /login", a.login)
	a.mux.HandleFunc("POST /logout", a.logout)
	a.mux.HandleFunc("GET /events", a.events)
	a.mux.HandleFunc("GET /{$}", a.home)
	return a, nil
}

// ServeHTTP sets the headers every answer carries, applies a ?lang= switch and serves.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Strict-Transport-Security", "max-age=31536000")
	if l := r.URL.Query().Get("lang"); l != "" && r.Method == http.MethodGet {
		// The language is a preference, not a staff action: a plain link switches it.
		if slices.Contains(i18n.Langs, i18n.Lang(l)) {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 365 * 24 * 3600})
		}
		q := r.URL.Query()
		q.Del("lang")
		u := *r.URL
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// Handler returns the App for an http.Server.
func (a *App) Handler() http.Handler { return a }

// Store is the staff store the App was made with, for pages in other packages.
func (a *App) Store() staff.Store { return a.o.Store }

// Bus is the App's bus, for the parts of the hall that publish to the pages.
func (a *App) Bus() staff.Bus { return a.o.Bus }

// Now is the App's clock.
func (a *App) Now() time.Time { return a.o.Now() }

// Catalog is the App's catalogue.
func (a *App) Catalog() *i18n.Catalog { return a.o.Catalog }

// Log is the App's logger.
func (a *App) Log() *slog.Logger { return a.o.Log }

func (a *App) font(w http.ResponseWriter, r *http.Request) {
	// The bundled Noto Sans CJK SC: a hall's network may have no internet, and a staff PC
	// may have no CJK font. Browsers cache it for a year; it changes with the binary only.
	w.Header().Set("Content-Type", "font/otf")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, assets.CJKFontName, time.Time{}, strings.NewReader(string(assets.CJKFont())))
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// home sends a logged-in person to their first page, anyone else to the login.
func (a *App) home(w http.ResponseWriter, r *http.Request) {
	c, ok := a.session(w, r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	for _, p := range a.pages {
		if !p.Public && c.Account.Sees(p.Roles...) {
			http.Redirect(w, r, p.Path, http.StatusSeeOther)
			return
		}
	}
	a.render(c, http.StatusOK, nil, nil)
}

// Cookie names. __Host- makes the browser refuse the cookie unless it is Secure, has
// Path=/ and no Domain: another host on the hall's network cannot plant a session.
const (
	sessionCookie = "__Host-staff"
	preCookie     = "__Host-staff-pre" // the login form's CSRF token, before any session
	langCookie    = "__Host-staff-lang"
)

func token() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (a *App) lang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil && slices.Contains(i18n.Langs, i18n.Lang(c.Value)) {
		return i18n.Lang(c.Value)
	}
	return i18n.ZH // Chinese first
}

// session finds the logged-in account of r. A session whose account was removed, or
// which expired, is no session.
func (a *App) session(w http.ResponseWriter, r *http.Request) (*Ctx, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, false
	}
	se, err := a.o.Store.Session(r.Context(), tokenID(ck.Value))
	if err != nil || !a.o.Now().Before(se.Expires) {
		return nil, false
	}
	acc, err := a.o.Store.Account(r.Context(), se.Account)
	if err != nil {
		return nil, false
	}
	return &Ctx{W: w, R: r, Account: acc, Session: se, Lang: a.lang(r), app: a}, true
}

// audit records a staff action; a store that cannot take it is logged, and the action's
// answer says so (auditFailed), since an unaudited action must not pass unnoticed.
func (a *App) audit(ctx context.Context, who, action, detail string) error {
	err := a.o.Store.Audit(context.WithoutCancel(ctx), staff.AuditEntry{At: a.o.Now().UTC(), Who: who, Action: action, Detail: detail})
	if err != nil {
		a.o.Log.Error("staff action not audited", "who", who, "action", action, "err", err)
	}
	return err
}

// errorKey is the catalogue key that words err for staff; unexpected errors are logged.
func (a *App) errorKey(err error) string {
	switch {
	case errors.Is(err, staff.ErrState):
		return "staff.err.state"
	case errors.Is(err, staff.ErrEmpty):
		return "staff.err.empty"
	case errors.Is(err, staff.ErrInvalid):
		return "staff.err.invalid"
	case errors.Is(err, staff.ErrNotFound):
		return "staff.err.not_found"
	}
	a.o.Log.Error("staff action failed", "err", err)
	return "staff.err.storage"
}
