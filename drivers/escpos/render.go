package escpos

import (
	"fmt"
	"math"
)

// Command bytes, from section 2 of the protocol notes (Epson TM-T88III / Citizen CT-S2000
// manuals, python-escpos constants).
const (
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
	dle = 0x10
	eot = 0x04
	lf  = 0x0a
)

// Fixed commands, as strings so that they are constants.
const (
	cmdInit        = "\x1b@"
	cmdChineseOn   = "\x1c&"
	cmdChineseOff  = "\x1c."
	cmdBoldOn      = "\x1bE\x01"
	cmdBoldOff     = "\x1bE\x00"
	cmdAlignLeft   = "\x1ba\x00"
	cmdAlignCentre = "\x1ba\x01"
	cmdSizeNormal  = "\x1d!\x00"
	cmdSizeDouble  = "\x1d!\x11" // width x2 (high nibble 1), height x2 (low nibble 1)
	cmdQRModel2    = "\x1d(k\x04\x00\x31\x41\x32\x00"
	cmdQRECLevelM  = "\x1d(k\x03\x00\x31\x45\x31"
	cmdQRPrint     = "\x1d(k\x03\x00\x31\x51\x30"
	cmdBarHeight   = "\x1dh\x50" // 80 dots
	cmdBarWidth    = "\x1dw\x02"
	cmdBarHRIBelow = "\x1dH\x02"
	cmdLF          = "\n"
)

// Geometry for the paper estimate, for a 203 dpi head (8 dots per mm) at the default line
// spacing of 1/6 inch. Real printers differ by a few percent; the counter is an estimate
// for the maintenance screen, not a measurement.
const (
	dotsPerMM      = 8
	lineMM         = 25.4 / 6
	cutterMM       = 15   // head-to-cutter distance fed at each cut
	barcodeHeight  = 0x50 // dots, as cmdBarHeight sets
	DefaultMaxQR   = 500
	maxQRStoreData = 65535 - 3
)

// RenderOpts configures Render. A nil *RenderOpts means 80 mm paper, GB18030, partial cut,
// lenient encoding and a 500-byte QR cap.
type RenderOpts struct {
	// PaperMM is the paper width, 58 or 80; zero means 80 (48 columns; 58 mm has 32).
	PaperMM int
	// CodePage is how text is sent; zero means CodePageGB18030.
	CodePage CodePage
	// FullCut cuts through (GS V 65); zero means the partial cut (GS V 66) that every
	// Chinese receipt printer supports.
	FullCut bool
	// Strict refuses, with ErrUnencodable, text the printer cannot print; zero means such
	// characters are printed as '?'.
	Strict bool
	// MaxQR caps the QR payload in bytes (printers cap it, some below 1021); zero means
	// DefaultMaxQR.
	MaxQR int
}

func (o *RenderOpts) columns() (int, error) {
	switch o.PaperMM {
	case 0, 80:
		return Columns80, nil
	case 58:
		return Columns58, nil
	}
	return 0, fmt.Errorf("%w: paper width %d mm (want 58 or 80)", ErrBadDocument, o.PaperMM)
}

// Columns is the number of half-width columns on the configured paper.
func (o *RenderOpts) Columns() int {
	if o == nil {
		return Columns80
	}
	c, err := o.columns()
	if err != nil {
		return Columns80
	}
	return c
}

// rendered is a document as printer bytes plus what the driver needs to send and count it.
type rendered struct {
	data    []byte
	cuts    int
	paperMM float64
	// bounds are offsets in data where a command or line ends, so that a job can be sent in
	// chunks without splitting a command: a status query slipped between chunks is then
	// read by the printer as a query and not as the inside of a QR payload.
	bounds []int
}

// Render turns doc into ESC/POS bytes. Text is never rasterised: it is sent as characters
// in the printer's own font.
func Render(doc *Document, opts *RenderOpts) ([]byte, error) {
	r, err := render(doc, opts)
	if err != nil {
		return nil, err
	}
	return r.data, nil
}

func render(doc *Document, opts *RenderOpts) (*rendered, error) {
	var o RenderOpts
	if opts != nil {
		o = *opts
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: no document", ErrBadDocument)
	}
	width, err := o.columns()
	if err != nil {
		return nil, err
	}
	if o.CodePage != CodePageGB18030 && o.CodePage != CodePageASCII {
		return nil, fmt.Errorf("%w: code page %d", ErrBadDocument, int(o.CodePage))
	}
	maxQR := o.MaxQR
	if maxQR <= 0 {
		maxQR = DefaultMaxQR
	}
	cs := newCharset(o.CodePage)
	for i, b := range doc.Blocks {
		if err := checkBlock(i, b, cs, o.Strict, maxQR); err != nil {
			return nil, err
		}
	}

	r := &rendered{}
	emit := func(p ...string) {
		for _, x := range p {
			r.data = append(r.data, x...)
		}
		r.bounds = append(r.bounds, len(r.data))
	}
	emit(cmdInit)
	if o.CodePage == CodePageGB18030 {
		emit(cmdChineseOn)
	} else {
		emit(cmdChineseOff)
	}

	lines := layout(doc, width, cs)
	li := 0
	for i, b := range doc.Blocks {
		var mine []line
		for li < len(lines) && lines[li].block == i {
			mine = append(mine, lines[li])
			li++
		}
		switch b.Kind {
		case KindTitle:
			emit(cmdAlignCentre, cmdBoldOn, cmdSizeDouble)
			for _, l := range mine {
				r.data = cs.appendText(r.data, l.text)
				emit(cmdLF)
				r.paperMM += 2 * lineMM
			}
			emit(cmdSizeNormal, cmdBoldOff, cmdAlignLeft)
		case KindText, KindSeparator, KindPair:
			for _, l := range mine {
				r.data = cs.appendText(r.data, l.text)
				emit(cmdLF)
				r.paperMM += lineMM
			}
		case KindAmount:
			for _, l := range mine {
				r.data = cs.appendText(r.data, l.text)
				if l.bold != "" {
					r.data = append(r.data, cmdBoldOn...)
					r.data = cs.appendText(r.data, l.bold)
					r.data = append(r.data, cmdBoldOff...)
				}
				emit(cmdLF)
				r.paperMM += lineMM
			}
		case KindQR:
			size := b.Size
			if size == 0 {
				size = DefaultQRSize
			}
			n := len(b.Data) + 3
			emit(cmdAlignCentre)
			emit(cmdQRModel2)
			emit(string([]byte{gs, '(', 'k', 0x03, 0x00, 0x31, 0x43, byte(size)}))
			emit(cmdQRECLevelM)
			emit(string([]byte{gs, '(', 'k', byte(n), byte(n >> 8), 0x31, 0x50, 0x30}), b.Data)
			emit(cmdQRPrint)
			emit(cmdAlignLeft)
			r.paperMM += float64(qrModules(len(b.Data))*size) / dotsPerMM
		case KindBarcode:
			data := code128B(b.Data)
			emit(cmdAlignCentre)
			emit(cmdBarHeight)
			emit(cmdBarWidth)
			emit(cmdBarHRIBelow)
			emit(string([]byte{gs, 'k', 73, byte(len(data))}), string(data))
			emit(cmdAlignLeft)
			r.paperMM += float64(barcodeHeight)/dotsPerMM + lineMM
		case KindFeed:
			n := clampFeed(b.Size)
			emit(string([]byte{esc, 'd', byte(n)}))
			r.paperMM += float64(n) * lineMM
		case KindCut:
			m := byte(66)
			if o.FullCut {
				m = 65
			}
			emit(string([]byte{gs, 'V', m, 0}))
			r.cuts++
			r.paperMM += cutterMM
		}
	}
	return r, nil
}

func checkBlock(i int, b Block, cs *charset, strict bool, maxQR int) error {
	switch b.Kind {
	case KindTitle, KindText, KindPair, KindAmount:
		if !strict {
			return nil
		}
		if err := cs.check(b.Text); err != nil {
			return fmt.Errorf("block %d: %w", i, err)
		}
		if err := cs.check(b.Value); err != nil {
			return fmt.Errorf("block %d: %w", i, err)
		}
	case KindSeparator, KindFeed, KindCut:
	case KindQR:
		if len(b.Data) == 0 {
			return fmt.Errorf("%w: block %d: empty QR code", ErrBadDocument, i)
		}
		if len(b.Data) > maxQR || len(b.Data) > maxQRStoreData {
			return fmt.Errorf("%w: block %d: %d bytes, cap %d", ErrQRTooLong, i, len(b.Data), maxQR)
		}
		if b.Size < 0 || b.Size > 16 {
			return fmt.Errorf("%w: block %d: QR module size %d (want 1..16)", ErrBadDocument, i, b.Size)
		}
	case KindBarcode:
		if len(b.Data) == 0 {
			return fmt.Errorf("%w: block %d: empty barcode", ErrBadDocument, i)
		}
		for j := 0; j < len(b.Data); j++ {
			if c := b.Data[j]; c < 0x20 || c > 0x7e {
				return fmt.Errorf("%w: block %d: CODE128 byte %d is 0x%02x, not printable ASCII", ErrBadDocument, i, j, c)
			}
		}
		if n := len(code128B(b.Data)); n > 255 {
			return fmt.Errorf("%w: block %d: CODE128 of %d bytes (cap 255)", ErrBadDocument, i, n)
		}
	default:
		return fmt.Errorf("%w: block %d: unknown kind %d", ErrBadDocument, i, int(b.Kind))
	}
	return nil
}

// code128B is the GS k 73 payload: "{B" selects code set B, and a literal '{' is doubled
// because '{' starts a code set or function selection.
func code128B(s string) []byte {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '{', 'B')
	for i := 0; i < len(s); i++ {
		if s[i] == '{' {
			out = append(out, '{')
		}
		out = append(out, s[i])
	}
	return out
}

// qrModules is the side of the smallest QR symbol holding n bytes at error correction
// level M, plus the quiet zone, used only to estimate how much paper a code takes.
func qrModules(n int) int {
	// Byte-mode capacity of versions 1..40 at level M (ISO/IEC 18004 table 7).
	caps := [...]int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412,
		450, 504, 560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452,
		1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331}
	v := len(caps)
	for i, c := range caps {
		if n <= c {
			v = i + 1
			break
		}
	}
	return 17 + 4*v + 8
}

// roundMM rounds a length for the counter.
func roundMM(mm float64) int64 { return int64(math.Round(mm)) }
