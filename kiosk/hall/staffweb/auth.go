package staffweb

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"taxkiosk/kiosk/hall/staff"
)

// loginView is the login page's data.
type loginView struct {
	Next   string
	Error  string // catalogue key
	PreTok string
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	a.showLogin(w, r, http.StatusOK, "")
}

// showLogin renders the login form with a fresh pre-session CSRF token, set as a cookie
// and a hidden field (double submit): a page elsewhere cannot post a login in the
// victim's browser, as it can neither read the cookie nor set it (SameSite=Strict,
// __Host-).
func (a *App) showLogin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	tok := token()
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: tok, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	c := &Ctx{W: w, R: r, Lang: a.lang(r), app: a}
	p := &Page{Path: "/login", Title: "staff.login.title", tmpl: a.loginT, NoNav: true}
	a.execute(c, p, "layout", status, loginView{Next: safeNext(r.FormValue("next")), Error: errKey, PreTok: tok})
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	pre, err := r.Cookie(preCookie)
	if r.ParseForm() != nil || err != nil || !sameToken(r.PostForm.Get("csrf"), pre.Value) {
		a.audit(r.Context(), "", "csrf_refused", "/login")
		http.Error(w, a.o.Catalog.T(a.lang(r), "staff.err.csrf"), http.StatusForbidden)
		return
	}
	name, password := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	now := a.o.Now()
	acc, err := a.o.Store.Account(r.Context(), name)
	switch {
	case errors.Is(err, staff.ErrNotFound):
		staff.CheckPassword(dummyHash, password) // the same time as for a real name
		a.audit(r.Context(), "", "login_failed", "unknown name")
		a.showLogin(w, r, http.StatusUnauthorized, "staff.login.wrong")
		return
	case err != nil:
		a.o.Log.Error("staff login", "err", err)
		a.showLogin(w, r, http.StatusServiceUnavailable, "staff.err.storage")
		return
	case acc.Locked(now):
		a.audit(r.Context(), acc.Name, "login_locked", "")
		a.showLogin(w, r, http.StatusForbidden, "staff.login.locked")
		return
	}
	if !staff.CheckPassword(acc.Hash, password) {
		locked := false
		_, err := a.o.Store.UpdateAccount(r.Context(), acc.Name, func(x *staff.Account) error {
			x.Failures++
			if x.Failures >= a.o.MaxFailures {
				x.Failures, x.LockedUntil, locked = 0, now.Add(a.o.LockFor), true
			}
			return nil
		})
		if err != nil {
			a.o.Log.Error("staff login: failure not counted", "err", err)
		}
		key, action := "staff.login.wrong", "login_failed"
		if locked {
			key, action = "staff.login.locked", "account_locked"
		}
		a.audit(r.Context(), acc.Name, action, "")
		a.showLogin(w, r, http.StatusUnauthorized, key)
		return
	}
	if acc.Failures > 0 {
		a.o.Store.UpdateAccount(r.Context(), acc.Name, func(x *staff.Account) error { x.Failures = 0; return nil })
	}
	tok := token()
	se := staff.Session{ID: tokenID(tok), Account: acc.Name, CSRF: token(), Created: now.UTC(), Expires: now.Add(a.o.SessionTTL).UTC()}
	if err := a.o.Store.PutSession(r.Context(), se); err != nil {
		a.o.Log.Error("staff login: session not stored", "err", err)
		a.showLogin(w, r, http.StatusServiceUnavailable, "staff.err.storage")
		return
	}
	a.audit(r.Context(), acc.Name, "login", "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, Expires: se.Expires})
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	c, ok := a.session(w, r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if r.ParseForm() != nil || !sameToken(r.PostForm.Get("csrf"), c.Session.CSRF) {
		a.audit(r.Context(), c.Account.Name, "csrf_refused", "/logout")
		http.Error(w, c.T("staff.err.csrf"), http.StatusForbidden)
		return
	}
	a.o.Store.DeleteSession(r.Context(), c.Session.ID)
	a.audit(r.Context(), c.Account.Name, "logout", "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login?"+url.Values{"msg": {"staff.msg.logged_out"}}.Encode(), http.StatusSeeOther)
}

// dummyHash is checked against for an unknown name, so that the answer takes as long as
// for a known one and does not tell which names exist.
var dummyHash, _ = staff.PasswordHash("no such staff member", staff.DefaultHash)
