// Package logring keeps the last lines of the kiosk's log in memory for the technician's log
// page and `kioskctl logs`, as a slog.Handler that passes every record on to another handler
// (the kiosk's stderr log) and keeps a copy of the last N.
//
// Masking: the code masks personal data before it logs (mask.Name, mask.ID,
// idcard.Card.String). As a safety net under that, the Ring rewrites anything that looks like
// an ID number before the record goes anywhere: an 18-character resident number (17 digits
// and a digit or X, GB 11643-1999) or a 15-digit first-generation one, as mask.ID would
// ("4104**********123X"). Both the kept line and the teed record carry the masked text. The
// rule is lexical: any run of exactly 15 or 18 such characters standing alone is masked,
// so a 15-digit invoice or order number logged by accident is masked too; longer digit runs
// (20-digit invoice numbers) are left alone. Names cannot be recognised lexically and are
// not masked here.
//
// Nothing here waits; the Ring is safe for concurrent use. Handlers made by WithAttrs and
// WithGroup share the one ring.
package logring
