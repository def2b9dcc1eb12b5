package staffweb

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"taxkiosk/kiosk/hall/staff"
)

// File is what a Download answers: a file rather than a page.
type File struct {
	Name        string // offered to save as; empty: shown in place (a stylesheet)
	ContentType string
	Body        []byte
}

// Download registers a GET endpoint for roles at path that answers a File (the duty log's
// CSV, a page's own stylesheet) with the same checks as a page: a session (else to the
// login), a role that sees it (else 403, audited). When audit is not empty every answer is
// in the audit trail under that name with the request's query, since a download carries
// the hall's figures out of it. f's staff.ErrInvalid is a 400 worded for the person; any
// other error is logged and worded as a storage failure. (duty-board)
func (a *App) Download(path, audit string, roles []staff.Role, f func(c *Ctx) (File, error)) {
	a.mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		c, ok := a.session(w, r)
		if !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		if !c.Account.Sees(roles...) {
			a.forbidden(c)
			return
		}
		file, err := f(c)
		switch {
		case errors.Is(err, staff.ErrInvalid):
			http.Error(w, c.T("staff.err.invalid"), http.StatusBadRequest)
			return
		case err != nil:
			a.o.Log.Error("staff download", "path", path, "err", err)
			http.Error(w, c.T("staff.err.storage"), http.StatusServiceUnavailable)
			return
		}
		if audit != "" {
			if aerr := a.audit(r.Context(), c.Account.Name, audit, r.URL.RawQuery); aerr != nil {
				http.Error(w, c.T("staff.err.audit"), http.StatusServiceUnavailable)
				return
			}
		}
		h := w.Header()
		h.Set("Content-Type", file.ContentType)
		h.Set("Content-Length", strconv.Itoa(len(file.Body)))
		h.Set("Cache-Control", "no-store")
		if file.Name != "" {
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file.Name}))
		}
		w.Write(file.Body)
	})
}
