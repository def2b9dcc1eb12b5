package staffweb

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// keepAlive is how often an idle event stream sends a comment, so that proxies and the
// browser keep it open and a dead connection is noticed.
const keepAlive = 15 * time.Second

// events is the live-update stream of one page (?page=PATH, and for a Public page its
// full path): server-sent events naming the topic that changed. The page's script then
// fetches its "live" fragment again. A browser reconnecting re-fetches too, so nothing
// missed while it was away needs replaying (no Last-Event-ID store).
func (a *App) events(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Query().Get("page")
	var page *Page
	for _, p := range a.pages {
		if p.Path == path || (p.Public && matchPublic(p.Path, path)) {
			page = p
			break
		}
	}
	if page == nil || len(page.Topics) == 0 {
		http.NotFound(w, r)
		return
	}
	if page.Public {
		// The display's stream is as secret as its URL: Data decides (NotFound otherwise).
		r2 := r.Clone(r.Context())
		r2.URL.Path = path
		r2.SetPathValue("token", strings.TrimPrefix(path, strings.TrimSuffix(page.Path, "{token}")))
		if _, err := page.Data(&Ctx{W: w, R: r2, Lang: a.lang(r), app: a}); err != nil {
			http.NotFound(w, r)
			return
		}
	} else {
		c, ok := a.session(w, r)
		if !ok {
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if !c.Account.Sees(page.Roles...) {
			http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
			return
		}
	}
	msgs, cancel := a.o.Bus.Subscribe(page.Topics...)
	defer cancel()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	write := func(s string) bool {
		// Each write gets its own deadline: the server's WriteTimeout would end the stream.
		rc.SetWriteDeadline(time.Now().Add(keepAlive))
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(": open\n\n") {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.stop:
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			if !write("event: change\ndata: " + m.Topic + "\n\n") {
				return
			}
		case <-tick.C:
			if !write(": keep-alive\n\n") {
				return
			}
		}
	}
}

// matchPublic reports whether path is an instance of a Public page's pattern ending in
// {token}.
func matchPublic(pattern, path string) bool {
	prefix, ok := strings.CutSuffix(pattern, "{token}")
	return ok && strings.HasPrefix(path, prefix) && !strings.Contains(path[len(prefix):], "/") && len(path) > len(prefix)
}
