package escpos

import (
	"strings"
	"unicode/utf8"
)

// Kind names a block of a Document.
type Kind int

const (
	KindTitle     Kind = iota + 1 // big, bold, centred text
	KindText                      // wrapped body text
	KindSeparator                 // a full-width rule
	KindPair                      // label left, value right
	KindAmount                    // as KindPair, value in bold
	KindQR                        // QR code, model 2, error correction M
	KindBarcode                   // CODE128 barcode
	KindFeed                      // blank lines
	KindCut                       // feed to the cutter and cut
)

// Block is one element of a receipt. Which fields matter depends on Kind.
type Block struct {
	Kind  Kind
	Text  string // Title, Text, the label of Pair and Amount
	Value string // the value of Pair and Amount
	Data  string // QR and Barcode payload
	Size  int    // QR module size in dots (1..16; zero means DefaultQRSize); Feed line count
	Char  byte   // Separator character; zero means '-'
}

// DefaultQRSize is the QR module size, in dots, used when a QR block asks for zero: at 8 dots
// per mm a 60-character code (version 4, 33 modules) then measures about 25 mm, which
// phone cameras and the kiosk's own scanner read comfortably.
const DefaultQRSize = 6

// Document is a receipt as a list of blocks. Build it with the methods, which return the
// document so calls chain; the zero value is an empty document ready to use.
type Document struct {
	Blocks []Block
}

func (d *Document) add(b Block) *Document {
	d.Blocks = append(d.Blocks, b)
	return d
}

// Title adds a heading printed at double width and height, bold and centred.
func (d *Document) Title(s string) *Document { return d.add(Block{Kind: KindTitle, Text: s}) }

// Paragraph adds body text, wrapped at the paper width; "\n" starts a new line.
func (d *Document) Paragraph(s string) *Document { return d.add(Block{Kind: KindText, Text: s}) }

// Separator adds a rule of '-' across the paper.
func (d *Document) Separator() *Document { return d.add(Block{Kind: KindSeparator}) }

// SeparatorOf adds a rule of c across the paper; c must be printable ASCII.
func (d *Document) SeparatorOf(c byte) *Document {
	return d.add(Block{Kind: KindSeparator, Char: c})
}

// Pair adds a label on the left and its value right-aligned on the same line; when both do
// not fit, the label takes its own lines and the value follows right-aligned.
func (d *Document) Pair(label, value string) *Document {
	return d.add(Block{Kind: KindPair, Text: label, Value: value})
}

// Amount is Pair with the value in bold, for money.
func (d *Document) Amount(label, value string) *Document {
	return d.add(Block{Kind: KindAmount, Text: label, Value: value})
}

// QR adds a centred QR code of data with the given module size in dots (zero means
// DefaultQRSize).
func (d *Document) QR(data string, size int) *Document {
	return d.add(Block{Kind: KindQR, Data: data, Size: size})
}

// Barcode adds a centred CODE128 barcode (code set B) of data, printable ASCII only, with its
// human-readable text below.
func (d *Document) Barcode(data string) *Document {
	return d.add(Block{Kind: KindBarcode, Data: data})
}

// Feed adds n blank lines.
func (d *Document) Feed(n int) *Document { return d.add(Block{Kind: KindFeed, Size: n}) }

// Cut feeds the paper to the cutter and cuts.
func (d *Document) Cut() *Document { return d.add(Block{Kind: KindCut}) }

// Text renders the document as it will read on paper width columns wide (32 for 58 mm,
// 48 for 80 mm), for on-screen previews and tests. Titles are centred at their own width,
// QR codes and barcodes show as "[QR: data]" and "[CODE128: data]", cuts are not drawn,
// and characters the printer cannot print show as '?', exactly as Render sends them in
// the default GB18030 code page.
// Trailing spaces are dropped and every line ends in "\n".
func (d *Document) Text(width int) string {
	if width <= 0 {
		width = Columns80
	}
	var sb strings.Builder
	for _, l := range layout(d, width, newCharset(CodePageGB18030)) {
		if l.marker != "" {
			sb.WriteString(l.marker)
		} else {
			sb.WriteString(padLine(l, width))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// line is one printed line of the layout, shared by Render and PlainText so that the preview
// and the paper cannot disagree.
type line struct {
	block  int    // index of the block it came from
	kind   Kind   // the block's kind
	text   string // the text of the line, already wrapped and padded where needed
	bold   string // a bold tail (the value of an Amount), printed after text
	centre bool
	marker string // "[QR: ...]" or "[CODE128: ...]" for codes; the code itself is not text
}

func padLine(l line, width int) string {
	s := l.text + l.bold
	if l.centre {
		if pad := (width - textCols(s)) / 2; pad > 0 {
			s = strings.Repeat(" ", pad) + s
		}
	}
	return strings.TrimRight(s, " ")
}

// layout wraps every block into printed lines. cs decides which characters print and how
// wide they are.
func layout(d *Document, width int, cs *charset) []line {
	var out []line
	for i, b := range d.Blocks {
		switch b.Kind {
		case KindTitle:
			// Printed at double width, so half as many characters fit.
			for _, s := range wrap(cs.clean(b.Text), max(width/2, 1)) {
				out = append(out, line{block: i, kind: b.Kind, text: s, centre: true})
			}
		case KindText:
			for _, s := range wrap(cs.clean(b.Text), width) {
				out = append(out, line{block: i, kind: b.Kind, text: s})
			}
		case KindSeparator:
			c := b.Char
			if c < 0x21 || c > 0x7e {
				c = '-'
			}
			out = append(out, line{block: i, kind: b.Kind, text: strings.Repeat(string(c), width)})
		case KindPair, KindAmount:
			out = append(out, pairLines(i, b, width, cs)...)
		case KindQR:
			out = append(out, line{block: i, kind: b.Kind, marker: "[QR: " + markerData(b.Data) + "]"})
		case KindBarcode:
			out = append(out, line{block: i, kind: b.Kind, marker: "[CODE128: " + markerData(b.Data) + "]"})
		case KindFeed:
			for range clampFeed(b.Size) {
				out = append(out, line{block: i, kind: b.Kind})
			}
		}
	}
	return out
}

// markerData keeps a code's payload on one preview line whatever it holds.
func markerData(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func clampFeed(n int) int { return min(max(n, 0), 255) }

func pairLines(i int, b Block, width int, cs *charset) []line {
	label, value := cs.clean(b.Text), cs.clean(b.Value)
	label = strings.ReplaceAll(label, "\n", " ")
	value = strings.ReplaceAll(value, "\n", " ")
	lc, vc := textCols(label), textCols(value)
	mk := func(text, val string) line {
		l := line{block: i, kind: b.Kind, text: text}
		if b.Kind == KindAmount {
			l.bold = val
		} else {
			l.text += val
		}
		return l
	}
	if lc+1+vc <= width || value == "" && lc <= width {
		return []line{mk(label+strings.Repeat(" ", max(width-lc-vc, 0)), value)}
	}
	var out []line
	for _, s := range wrap(label, width) {
		out = append(out, line{block: i, kind: b.Kind, text: s})
	}
	if value == "" {
		return out
	}
	for _, s := range wrap(value, width) {
		out = append(out, mk(strings.Repeat(" ", max(width-textCols(s), 0)), s))
	}
	return out
}

// wrap breaks s into lines of at most width columns: at spaces between words where it can,
// anywhere between CJK characters, and inside a word only when the word alone is too long.
func wrap(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapPara(para, width)...)
	}
	return out
}

func wrapPara(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	curCols := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		curCols = 0
	}
	for _, tok := range tokens(s) {
		tc := textCols(tok)
		if tok == " " && curCols == 0 && len(lines) > 0 {
			continue // a wrapped line does not start with the space it broke at
		}
		if curCols+tc <= width {
			cur.WriteString(tok)
			curCols += tc
			continue
		}
		if tok == " " {
			flush()
			continue
		}
		if curCols > 0 && tc <= width {
			flush()
			cur.WriteString(tok)
			curCols = tc
			continue
		}
		for _, r := range tok { // a word longer than a line is cut where it must be
			rc := runeCols(r)
			if curCols+rc > width && curCols > 0 {
				flush()
			}
			cur.WriteRune(r)
			curCols += rc
		}
	}
	if curCols > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// tokens splits s into ASCII words, single spaces and single wide characters.
func tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := r > ' ' && r < 0x80
		if word {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
		out = append(out, string(r))
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// Columns58 and Columns80 are the half-width columns of 58 mm and 80 mm paper in the
// printer's standard 12x24 font.
const (
	Columns58 = 32
	Columns80 = 48
)

// runeCols is the width of a cleaned rune on paper: what the printer sends as one byte takes
// one column, a 2-byte GB18030 character takes two.
func runeCols(r rune) int {
	if r < 0x80 {
		return 1
	}
	return 2
}

func textCols(s string) int {
	n := 0
	for _, r := range s {
		n += runeCols(r)
	}
	return n
}
