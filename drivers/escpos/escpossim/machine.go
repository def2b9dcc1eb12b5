package escpossim

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Receipt is what one stretch of paper shows.
type Receipt struct {
	// Text is the paper as plain text: one line per printed line ending in "\n", centred
	// and right-aligned lines padded with spaces at the paper width, trailing spaces
	// dropped, codes as "[QR: data]", "[CODE128: data]" and "[IMAGE WxH]" lines.
	Text  string
	QRs   []string // QR payloads, in print order
	Bytes int      // job bytes received for it, commands included, status queries not
	Cut   bool     // false for a receipt torn off by paper running out
}

// machine is the printer's command interpreter, apart from any port so that Decode and
// the fuzz tests can run it over a byte slice.
type machine struct {
	cols int
	dec  *encoding.Decoder

	chinese bool
	align   byte

	cur      strings.Builder
	curCols  int
	lines    []string
	qrs      []string
	qrData   []byte
	bytes    int
	skip     int  // data bytes of a command still to drop (raster images)
	cutting  bool // a cut was read; the receipt closes after it is counted
	unknown  []string
	receipts []Receipt

	// query is called for each real-time DLE EOT n; asb for GS a n. Either may be nil.
	query func(n byte)
	asb   func(n byte)
	// quiet drops print output (paper out, cover open, offline) while commands are still
	// parsed, so that a status query inside the stream is still found.
	quiet bool
}

func newMachine(cols int) *machine {
	return &machine{cols: cols, dec: simplifiedchinese.GB18030.NewDecoder()}
}

// feed interprets as much of b as holds whole commands and returns how much it used; the
// rest must be offered again with more bytes after it.
func (m *machine) feed(b []byte) int {
	used := 0
	for used < len(b) {
		n, _ := m.one(b[used:])
		if n == 0 {
			break
		}
		used += n
	}
	return used
}

// one interprets one command, or the data of one, at the start of b; n is 0 when b holds
// only part of it. Real-time commands are not part of any receipt.
func (m *machine) one(b []byte) (n int, realtime bool) {
	if m.skip > 0 {
		n = min(m.skip, len(b))
		m.skip -= n
	} else if n, realtime = m.step(b); n == 0 {
		return 0, false
	}
	if !realtime && !m.quiet {
		m.bytes += n
	}
	if m.cutting {
		m.cutting = false
		m.receipts = append(m.receipts, m.take(true))
	}
	return n, realtime
}

// step interprets the command at the start of b; n is 0 when b holds only part of it.
func (m *machine) step(b []byte) (n int, realtime bool) {
	need := func(k int) bool { return len(b) >= k }
	c := b[0]
	switch {
	case c == 0x10:
		if !need(2) {
			return 0, false
		}
		switch b[1] {
		case 0x04:
			if !need(3) {
				return 0, false
			}
			if b[2] >= 1 && b[2] <= 4 {
				if m.query != nil {
					m.query(b[2])
				}
				return 3, true
			}
			m.unknownCmd("DLE EOT", b[2])
			return 3, true
		case 0x05:
			if !need(3) {
				return 0, false
			}
			m.unknownCmd("DLE ENQ", b[2])
			return 3, true
		}
		m.unknownCmd("DLE", b[1])
		return 2, false
	case c == 0x1b:
		return m.esc(b)
	case c == 0x1c:
		if !need(2) {
			return 0, false
		}
		switch b[1] {
		case '&':
			m.chinese = true
			return 2, false
		case '.':
			m.chinese = false
			return 2, false
		case '!', '-', 'W':
			if !need(3) {
				return 0, false
			}
			return 3, false
		}
		m.unknownCmd("FS", b[1])
		return 2, false
	case c == 0x1d:
		return m.gs(b)
	case c == '\n':
		m.endLine()
		return 1, false
	case c == '\r':
		return 1, false
	case c < 0x20 || c == 0x7f:
		m.unknownCmd("", c)
		return 1, false
	case c < 0x80:
		m.text(rune(c), 1)
		return 1, false
	case !m.chinese:
		m.text('?', 1)
		return 1, false
	}
	if !need(2) {
		return 0, false
	}
	if c == 0xff || b[1] < 0x40 || b[1] == 0x7f || b[1] == 0xff {
		m.text('?', 1)
		return 1, false
	}
	out, err := m.dec.Bytes(b[:2])
	r, size := utf8.DecodeRune(out)
	if err != nil || size != len(out) || r == utf8.RuneError {
		r = '?'
	}
	m.text(r, 2)
	return 2, false
}

func (m *machine) esc(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case '@':
		m.cur.Reset()
		m.curCols = 0
		m.align = 0
		m.qrData = nil
		return 2, false
	case '2':
		return 2, false
	case 'E', 'a', 'd', '!', '-', '3', 'J', 'M', 'R', 't', '{', 'G', 'V':
		if len(b) < 3 {
			return 0, false
		}
		switch b[1] {
		case 'a':
			m.align = b[2] % 48 // ESC a takes 0..2 or '0'..'2'
		case 'd':
			m.feedLines(int(b[2]))
		}
		return 3, false
	}
	m.unknownCmd("ESC", b[1])
	return 2, false
}

func (m *machine) gs(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case '!', 'h', 'w', 'H', 'f', 'r', 'B', 'a':
		if len(b) < 3 {
			return 0, false
		}
		if b[1] == 'a' && m.asb != nil {
			m.asb(b[2])
		}
		return 3, false
	case 'V':
		if len(b) < 3 {
			return 0, false
		}
		n := 3
		switch b[2] {
		case 65, 66, 97, 98, 103, 104:
			n = 4
		}
		if len(b) < n {
			return 0, false
		}
		m.cut()
		return n, false
	case '(':
		if len(b) < 5 {
			return 0, false
		}
		k := int(b[3]) + int(b[4])<<8
		if len(b) < 5+k {
			return 0, false
		}
		m.twoD(b[2], b[5:5+k])
		return 5 + k, false
	case 'k':
		return m.barcode(b)
	case 'v':
		// GS v 0 m xL xH yL yH d1...dk, k = (xL + xH*256) * (yL + yH*256)
		if len(b) < 8 {
			return 0, false
		}
		if b[2] != '0' {
			m.unknownCmd("GS v", b[2])
			return 3, false
		}
		x := int(b[4]) + int(b[5])<<8
		y := int(b[6]) + int(b[7])<<8
		m.flushPartial()
		m.marker(fmt.Sprintf("[IMAGE %dx%d]", x*8, y))
		m.skip = x * y
		return 8, false
	}
	m.unknownCmd("GS", b[1])
	return 2, false
}

// twoD runs GS ( fn pL pH p...: for fn 'k' and cn 0x31 the QR functions; every other
// function of this form is skipped whole, its length being known.
func (m *machine) twoD(fn byte, p []byte) {
	if fn != 'k' || len(p) < 2 || p[0] != 0x31 {
		m.unknownCmd("GS (", fn)
		return
	}
	switch p[1] {
	case 0x41, 0x43, 0x45: // model, module size, error correction
	case 0x50:
		if len(p) >= 3 {
			m.qrData = append(m.qrData[:0], p[3:]...)
		}
	case 0x51:
		if m.quiet {
			return
		}
		m.flushPartial()
		data := string(m.qrData)
		m.qrs = append(m.qrs, data)
		m.marker("[QR: " + Printable(data) + "]")
	default:
		m.unknownCmd("GS ( k 31", p[1])
	}
}

// barcode runs GS k m: format A (m 0..6, NUL-terminated) or format B (m 65..78, length).
func (m *machine) barcode(b []byte) (int, bool) {
	if len(b) < 3 {
		return 0, false
	}
	kind := b[2]
	var data []byte
	var n int
	switch {
	case kind <= 6:
		i := 3
		for i < len(b) && b[i] != 0 {
			i++
		}
		if i == len(b) {
			return 0, false
		}
		data, n = b[3:i], i+1
	case kind >= 65 && kind <= 78:
		if len(b) < 4 || len(b) < 4+int(b[3]) {
			return 0, false
		}
		data, n = b[4:4+int(b[3])], 4+int(b[3])
	default:
		m.unknownCmd("GS k", kind)
		return 3, false
	}
	if m.quiet {
		return n, false
	}
	m.flushPartial()
	if kind == 73 {
		m.marker("[CODE128: " + Printable(code128Text(data)) + "]")
	} else {
		m.marker(fmt.Sprintf("[BARCODE %d: %s]", kind, Printable(string(data))))
	}
	return n, false
}

// code128Text is the human-readable text of a GS k 73 payload: code set selections
// ("{A", "{B", "{C") and function codes are dropped and "{{" is a literal '{'.
func code128Text(d []byte) string {
	var sb strings.Builder
	for i := 0; i < len(d); i++ {
		if d[i] == '{' && i+1 < len(d) {
			i++
			if d[i] == '{' {
				sb.WriteByte('{')
			}
			continue
		}
		sb.WriteByte(d[i])
	}
	return sb.String()
}

// Printable is how a code's payload shows in receipt text: invalid UTF-8 and control
// characters become '?', so a marker is always one line.
func Printable(s string) string {
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func (m *machine) unknownCmd(prefix string, c byte) {
	name := fmt.Sprintf("0x%02x", c)
	if c > 0x20 && c < 0x7f {
		name = string(rune(c))
	}
	if prefix != "" {
		name = prefix + " " + name
	}
	m.unknown = append(m.unknown, name)
}

func (m *machine) text(r rune, cols int) {
	if m.quiet {
		return
	}
	m.cur.WriteRune(r)
	m.curCols += cols
}

func (m *machine) endLine() {
	if m.quiet {
		return
	}
	s := m.cur.String()
	pad := 0
	switch m.align {
	case 1:
		pad = (m.cols - m.curCols) / 2
	case 2:
		pad = m.cols - m.curCols
	}
	if pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	m.lines = append(m.lines, strings.TrimRight(s, " "))
	m.cur.Reset()
	m.curCols = 0
}

// flushPartial prints an unfinished line before a code, as a printer does.
func (m *machine) flushPartial() {
	if m.curCols > 0 {
		m.endLine()
	}
}

func (m *machine) marker(s string) {
	if !m.quiet {
		m.lines = append(m.lines, s)
	}
}

func (m *machine) feedLines(n int) {
	if m.quiet {
		return
	}
	if m.curCols > 0 {
		m.endLine()
		n--
	}
	for range n {
		m.endLine()
	}
}

func (m *machine) cut() {
	if m.quiet {
		return
	}
	m.flushPartial()
	m.cutting = true // the receipt closes once the cut command's own bytes are counted
}

// take closes the receipt in progress.
func (m *machine) take(cut bool) Receipt {
	r := Receipt{QRs: m.qrs, Bytes: m.bytes, Cut: cut}
	if len(m.lines) > 0 {
		r.Text = strings.Join(m.lines, "\n") + "\n"
	}
	m.lines, m.qrs, m.bytes = nil, nil, 0
	return r
}

// Decoded is what Decode found in a byte stream.
type Decoded struct {
	Receipts []Receipt
	Pending  Receipt  // printed after the last cut, not cut yet
	Unknown  []string // commands skipped
	Queries  int      // real-time status queries seen
	Rest     int      // bytes at the end that do not make a whole command
}

// Decode runs the printer's interpreter over data on paper cols columns wide (zero means
// 48), for tests and for checking a rendered job without a port.
func Decode(data []byte, cols int) Decoded {
	if cols <= 0 {
		cols = DefaultColumns
	}
	m := newMachine(cols)
	var d Decoded
	m.query = func(byte) { d.Queries++ }
	used := m.feed(data)
	d.Rest = len(data) - used
	m.flushPartial()
	d.Receipts, d.Unknown = m.receipts, m.unknown
	d.Pending = m.take(false)
	return d
}
