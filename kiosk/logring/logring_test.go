package logring_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"taxkiosk/kiosk/logring"
)

// Numbers from the protocol document's examples and the masking rules of mask.ID.
const (
	resident = "41040219800101123X"
	oldStyle = "410402800101123"
)

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{resident, "4104**********123X"},
		{"id=" + resident + " ok", "id=4104**********123X ok"},
		{"11010519491231002x", "1101**********002x"},
		{oldStyle, "4104*******1123"},
		{"taxpayer=\"张* " + resident + "\"", "taxpayer=\"张* 4104**********123X\""},
		{resident + "," + resident, "4104**********123X,4104**********123X"},
		// Not ID numbers: too short, too long (a 20-digit invoice number), inside a word.
		{"12345678901234", "12345678901234"},
		{"12345678901234567890", "12345678901234567890"},
		{"A" + resident, "A" + resident},
		{"seq=42 kind=vat_return", "seq=42 kind=vat_return"},
		{"", ""},
	} {
		if got := logring.Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

// TestNoIDNumberLeaks logs an ID number every way slog allows and finds it neither in the
// ring nor in the teed output.
func TestNoIDNumberLeaks(t *testing.T) {
	var out bytes.Buffer
	ring := logring.New(slog.NewTextHandler(&out, nil), 10)
	log := slog.New(ring)
	log.Info("card read " + resident)
	log.Warn("lookup failed", "id", resident, "err", errors.New("hall: no enterprise for "+resident))
	log.With("taxpayer", resident).Info("session", "who", stringer{oldStyle})
	log.WithGroup("card").Info("read", "number", resident, slog.Group("inner", "n", oldStyle))
	log.Info("formatted", "v", fmt.Sprintf("%v", []string{resident}))

	var all strings.Builder
	for _, l := range ring.Lines(0) {
		all.WriteString(l.Text + "\n")
	}
	for name, s := range map[string]string{"ring": all.String(), "teed": out.String()} {
		if strings.Contains(s, resident) || strings.Contains(s, oldStyle) || strings.Contains(s, "0101123") {
			t.Errorf("%s output holds an ID number:\n%s", name, s)
		}
		if !strings.Contains(s, "4104**********123X") {
			t.Errorf("%s output lost the masked number:\n%s", name, s)
		}
	}
	if got := len(ring.Lines(0)); got != 5 {
		t.Fatalf("ring holds %d lines, want 5", got)
	}
	if l := ring.Lines(0)[1]; l.Level != "WARN" || !strings.HasPrefix(l.Text, "lookup failed id=4104**********123X") {
		t.Errorf("line %+v", l)
	}
	if l := ring.Lines(0)[3]; !strings.Contains(l.Text, "card.number=4104") || !strings.Contains(l.Text, "card.inner.n=4104*******1123") {
		t.Errorf("grouped line %q", l.Text)
	}
}

func TestRingKeepsTheLast(t *testing.T) {
	ring := logring.New(nil, 3)
	log := slog.New(ring)
	for i := range 7 {
		log.Info(fmt.Sprintf("line %d", i))
	}
	log.Debug("not kept: below Info without a next handler")
	var got []string
	for _, l := range ring.Lines(0) {
		got = append(got, l.Text)
	}
	if strings.Join(got, "|") != "line 4|line 5|line 6" {
		t.Fatalf("kept %q", got)
	}
	if l := ring.Lines(2); len(l) != 2 || l[0].Text != "line 5" {
		t.Fatalf("last 2: %+v", l)
	}
	if l := ring.Lines(10); len(l) != 3 {
		t.Fatalf("last 10 of 3: %d", len(l))
	}
}

func ExampleRing() {
	ring := logring.New(nil, 100)
	log := slog.New(ring)
	log.Info("desk: session started", "taxpayer", "张* 41040219800101123X")
	for _, l := range ring.Lines(0) {
		fmt.Println(l.Level, l.Text)
	}
	// Output: INFO desk: session started taxpayer="张* 4104**********123X"
}

// FuzzMask: whatever Mask is given, no ID-number-like run survives it, found by
// standalone, a scanner written apart from Mask's regular expression; Mask keeps the length
// and is idempotent.
func FuzzMask(f *testing.F) {
	f.Add(resident)
	f.Add("x " + oldStyle + " y")
	f.Add("12345678901234567890")
	f.Add("a " + resident + " " + resident + "," + oldStyle)
	f.Add("taxpayer=张*" + resident + "x")
	f.Fuzz(func(t *testing.T, s string) {
		m := logring.Mask(s)
		if logring.Mask(m) != m {
			t.Fatalf("Mask not idempotent on %q: %q", s, m)
		}
		if len([]rune(m)) != len([]rune(s)) {
			t.Fatalf("Mask changed the length of %q: %q", s, m)
		}
		if id := standalone(m); id != "" {
			t.Fatalf("Mask(%q) = %q: %s survives", s, m, id)
		}
	})
}

// standalone returns the first run of ASCII letters and digits in s that reads as an ID
// number, 17 digits and a digit or X, or 15 digits; "" if there is none.
func standalone(s string) string {
	isAlnum := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		run := s[i:j]
		digits := len(run)
		if len(run) == 18 && (run[17] == 'X' || run[17] == 'x') {
			digits = 17
		}
		if (len(run) == 18 || len(run) == 15) && strings.Trim(run[:digits], "0123456789") == "" {
			return run
		}
		i = j
	}
	return ""
}

// TestLevels: the ring keeps Info and above whatever next wants; next gets what it is
// enabled for, Debug included.
func TestLevels(t *testing.T) {
	var warnOnly, debug bytes.Buffer
	quiet := logring.New(slog.NewTextHandler(&warnOnly, &slog.HandlerOptions{Level: slog.LevelWarn}), 10)
	slog.New(quiet).Info("kept, not teed")
	if len(quiet.Lines(0)) != 1 || warnOnly.Len() != 0 {
		t.Fatalf("info: ring %d lines, next %q", len(quiet.Lines(0)), warnOnly.String())
	}
	loud := logring.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug}), 10)
	slog.New(loud).Debug("teed, not kept " + resident)
	if len(loud.Lines(0)) != 0 || !strings.Contains(debug.String(), "teed, not kept 4104**********123X") {
		t.Fatalf("debug: ring %d lines, next %q", len(loud.Lines(0)), debug.String())
	}
}

// BenchmarkHandle is what the ring adds to one log line with two attributes, one an ID number.
func BenchmarkHandle(b *testing.B) {
	log := slog.New(logring.New(slog.DiscardHandler, 500))
	for b.Loop() {
		log.Info("desk: session started", "taxpayer", "张* "+resident, "seq", 42)
	}
}
