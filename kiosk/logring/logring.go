package logring

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/tech"
)

// DefaultSize is how many lines a Ring keeps when New is given zero.
const DefaultSize = 500

// idNumber matches an ID number standing alone: 18 characters (17 digits and a check digit or
// X) or 15 digits, not part of a longer run of digits or letters.
var idNumber = regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})($|[^0-9A-Za-z])`)

// Mask returns s with every ID-number-like run masked as mask.ID masks it.
func Mask(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	// Matches share their delimiters with neighbours ("a 1…X 1…X"), so apply until stable.
	for {
		out := idNumber.ReplaceAllStringFunc(s, func(m string) string {
			sub := idNumber.FindStringSubmatch(m)
			return sub[1] + mask.ID(sub[2]) + sub[3]
		})
		if out == s {
			return out
		}
		s = out
	}
}

// Ring is a slog.Handler that tees to Next and keeps the last lines.
type Ring struct {
	core  *core
	next  slog.Handler
	attrs []slog.Attr // pre-formatted by WithAttrs, in order
	group string      // dotted prefix from WithGroup
}

type core struct {
	mu    sync.Mutex
	lines []tech.LogLine
	start int // index of the oldest line once the ring is full
	size  int
}

// New returns a Ring keeping the last size lines (zero: DefaultSize) of level Info and above,
// and passing every record next is enabled for, masked, to next (nil: keep only).
func New(next slog.Handler, size int) *Ring {
	if size <= 0 {
		size = DefaultSize
	}
	return &Ring{core: &core{size: size}, next: next}
}

// Enabled reports whether the ring keeps level (Info and above) or next handles it.
func (r *Ring) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || (r.next != nil && r.next.Enabled(ctx, l))
}

// Handle masks the record, keeps it as a line and passes it on.
func (r *Ring) Handle(ctx context.Context, rec slog.Record) error {
	masked := slog.NewRecord(rec.Time, rec.Level, Mask(rec.Message), rec.PC)
	var b strings.Builder
	b.WriteString(masked.Message)
	for _, a := range r.attrs {
		writeAttr(&b, "", a)
	}
	rec.Attrs(func(a slog.Attr) bool {
		a = maskAttr(a)
		masked.AddAttrs(a)
		writeAttr(&b, r.group, a)
		return true
	})
	t := rec.Time
	if t.IsZero() {
		t = time.Now()
	}
	if rec.Level >= slog.LevelInfo {
		r.core.add(tech.LogLine{Time: t, Level: rec.Level.String(), Text: b.String()})
	}
	if r.next != nil && r.next.Enabled(ctx, rec.Level) {
		return r.next.Handle(ctx, masked)
	}
	return nil
}

// WithAttrs returns a handler whose lines carry attrs; the ring is shared.
func (r *Ring) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := *r
	out.attrs = append([]slog.Attr(nil), r.attrs...)
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
		if r.group != "" {
			out.attrs = append(out.attrs, slog.Attr{Key: r.group + masked[i].Key, Value: masked[i].Value})
		} else {
			out.attrs = append(out.attrs, masked[i])
		}
	}
	if r.next != nil {
		out.next = r.next.WithAttrs(masked)
	}
	return &out
}

// WithGroup returns a handler whose attributes are qualified by name; the ring is shared.
func (r *Ring) WithGroup(name string) slog.Handler {
	if name == "" {
		return r
	}
	out := *r
	out.group = r.group + name + "."
	if r.next != nil {
		out.next = r.next.WithGroup(name)
	}
	return &out
}

// Lines returns the last n lines, oldest first; n <= 0 means all that are kept.
func (r *Ring) Lines(n int) []tech.LogLine { return r.core.last(n) }

func (c *core) add(l tech.LogLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lines) < c.size {
		c.lines = append(c.lines, l)
		return
	}
	c.lines[c.start] = l
	c.start = (c.start + 1) % c.size
}

func (c *core) last(n int) []tech.LogLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	all := make([]tech.LogLine, 0, len(c.lines))
	all = append(all, c.lines[c.start:]...)
	all = append(all, c.lines[:c.start]...)
	if n > 0 && n < len(all) {
		all = all[len(all)-n:]
	}
	return all
}

// maskAttr masks string-valued attributes and, through String, anything else that prints;
// groups are masked member by member.
func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Mask(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, m := range g {
			out[i] = maskAttr(m)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		// An error or a Stringer prints through fmt; a value that formats with an ID number in
		// it must not reach the log unmasked.
		s := fmt.Sprint(v.Any())
		if m := Mask(s); m != s {
			return slog.String(a.Key, m)
		}
		return slog.Attr{Key: a.Key, Value: v}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, m := range a.Value.Group() {
			writeAttr(b, prefix+a.Key+".", m)
		}
		return
	}
	fmt.Fprintf(b, " %s%s=%s", prefix, a.Key, quote(a.Value.String()))
}

func quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
