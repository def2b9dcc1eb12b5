// Package staffweb is the hall's staff web application: the pages the expert seat
// (纳税服务专家坐席), the counter clerks and the duty leader (值班领导) work from, served by
// `hall serve --staff-listen ADDR` over HTTPS with the hall's certificate, on its own
// listener, never on the kiosks' mutual-TLS API.
//
// DESIGN — how to add a page
//
//  1. Write its template, templates/NAME.html (or in your own package's embed.FS, given as
//     Page.FS): {{define "content"}} is the page under the header; a page that updates live
//     puts <div id="live">{{template "live" .}}</div> in it and {{define "live"}} holds the
//     part that changes. Templates see a View: .Data (what your Data func returned),
//     .Account, .CSRF, .T "staff.seat.title" (a catalogue key in the request's language), .Wait and .Clock. Every
//     text is a catalogue key: add it to assets/translations/staff.zh.json and
//     staff.en.json, or your own AREA.zh.json/AREA.en.json pair there (i18n.Load refuses a
//     key missing in one language).
//  2. Register it: app.Page(staffweb.Page{Path: "/board", Title: "staff.NAME.title",
//     Roles: []staff.Role{staff.RoleDuty}, Template: "board.html", Topics:
//     []string{"board"}, Data: func(c *staffweb.Ctx) (any, error) {...}}). The App refuses
//     anyone without a session (to the login) and any role not listed (403, audited; an
//     admin sees every page); the navigation lists the page for the roles that see it.
//  3. Each thing a person does is an Action: app.Action("/board/ack", "alarm_ack", roles,
//     func(c *staffweb.Ctx) (detail string, err error) {...}). Its form posts the fields
//     csrf ({{.CSRF}}) and back (the page's path); the App checks the session, the CSRF
//     token and the role, runs the function, audits (who, the name, detail, when) and
//     redirects back with a message. Return staff.ErrState, ErrEmpty, ErrInvalid or
//     ErrNotFound (wrapped) for a refusal the person should read; any other error is logged
//     and worded as a storage failure.
//  4. To make the page live, publish on the staff.Bus (app.Bus().Publish(topic, payload))
//     whenever what it shows changes; every browser showing a page with that topic receives
//     a server-sent event on /events and fetches Path?fragment=live again. With the
//     PostgreSQL bus the other hall process's pages refresh too. Payloads are small hints;
//     pages read the Store.
//
// Security: passwords are argon2id hashes (staff.PasswordHash); a session is a random
// token in a __Host- cookie (Secure, HttpOnly, SameSite=Strict) whose SHA-256 is stored;
// every POST carries the session's CSRF token (the login form a double-submitted one);
// after Opts.MaxFailures wrong passwords an account is locked for Opts.LockFor; every
// action, login, logout, lockout, refused CSRF token and refused page is in the audit
// trail. Answers carry a strict Content-Security-Policy (scripts and styles from the App
// only), so the one script, static/live.js, and the stylesheet are embedded files, as is
// the CJK font (the bundled Noto Sans CJK SC): a hall's network may have no internet.
//
// The hall display (/display/TOKEN) is the one page without a login: the big screen in
// the hall has no keyboard and should survive a restart without anyone typing a
// password, so its URL carries a secret instead (Opts.DisplayToken); it shows only ticket
// numbers and counts, never a name, and can do nothing.
//
// The event stream writes with a per-write deadline, so the http.Server's WriteTimeout
// does not end it; a browser that goes away ends its subscription.
package staffweb
