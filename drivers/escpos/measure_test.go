package escpos_test

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"taxkiosk/assets"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
)

// Raster geometry for the comparison: 80 mm paper is 576 dots wide, the printer's 24-dot
// font sits in 12-dot half-width columns, and lines are 1/6 inch (34 dots at 203 dpi) apart.
const (
	rasterWidth = 576
	glyphDots   = 24
	colDots     = 12
	lineDots    = 34
)

// rasterReceipt renders doc as the printer would print it, but as 1-bit GS v 0 images:
// every line of the layout is drawn with the kiosk's bundled CJK font (assets.CJKFont, so the
// comparison runs on any machine) on the printer's column grid, ASCII included; a QR
// code takes its real height (modules x module size), left white because no QR encoder
// is in the module set, which does not change the byte count of an uncompressed image.
func rasterReceipt(tb testing.TB, doc *escpos.Document) []byte {
	f, err := opentype.Parse(assets.CJKFont())
	if err != nil {
		tb.Fatalf("%s: %v", assets.CJKFontName, err)
	}
	face := func(f *opentype.Font, size float64) font.Face {
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			tb.Fatal(err)
		}
		return fc
	}
	normal, big := face(f, glyphDots), face(f, 2*glyphDots)
	defer normal.Close()
	defer big.Close()

	lines := strings.Split(strings.TrimSuffix(doc.Text(escpos.Columns80), "\n"), "\n")
	type row struct {
		text   string
		scale  int
		height int
	}
	var rows []row
	height := 0
	for i, l := range lines {
		r := row{text: l, scale: 1, height: lineDots}
		switch {
		case i == 0: // the title, double width and height
			r.scale, r.height = 2, 2*lineDots
			r.text = strings.TrimLeft(l, " ")
		case strings.HasPrefix(l, "[QR: "):
			data := strings.TrimSuffix(strings.TrimPrefix(l, "[QR: "), "]")
			r.text, r.height = "", qrDots(len(data))
		}
		rows = append(rows, r)
		height += r.height
	}
	img := image.NewGray(image.Rect(0, 0, rasterWidth, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	y := 0
	for _, r := range rows {
		fc := normal
		if r.scale == 2 {
			fc = big
		}
		cols := 0
		for _, c := range r.text {
			cols += runeCols(c) * r.scale
		}
		col := 0
		if r.scale == 2 {
			col = (escpos.Columns80 - cols) / 2
		}
		d := &font.Drawer{Dst: img, Src: image.Black, Face: fc}
		for _, c := range r.text {
			d.Dot = fixed.P(col*colDots, y+r.height-r.height/6)
			d.DrawString(string(c))
			col += runeCols(c) * r.scale
		}
		y += r.height
	}

	// Pack to 1 bit per dot, MSB first, and send in bands the printer accepts.
	out := []byte("\x1b@")
	const band = 256
	for top := 0; top < height; top += band {
		h := min(band, height-top)
		out = append(out, 0x1d, 'v', '0', 0, rasterWidth/8, 0, byte(h), byte(h>>8))
		for yy := top; yy < top+h; yy++ {
			for x := 0; x < rasterWidth; x += 8 {
				var b byte
				for bit := 0; bit < 8; bit++ {
					if img.GrayAt(x+bit, yy).Y < 128 {
						b |= 0x80 >> bit
					}
				}
				out = append(out, b)
			}
		}
	}
	return append(out, 0x1d, 'V', 66, 0)
}

func runeCols(r rune) int {
	if r < 0x80 {
		return 1
	}
	return 2
}

// qrDots is the height of a QR code of n bytes at level M and the default module size.
func qrDots(n int) int {
	v := 1
	for _, c := range []int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213} {
		if n <= c {
			break
		}
		v++
	}
	return (17 + 4*v + 8) * escpos.DefaultQRSize
}

func inked(img []byte) bool {
	for _, b := range img[10 : len(img)-4] {
		if b != 0 {
			return true
		}
	}
	return false
}

// TestReceiptSize compares a typical receipt as ESC/POS text with the same receipt as a
// raster image, and holds the ESC/POS form under the 3 KiB goal.
func TestReceiptSize(t *testing.T) {
	doc := receipt()
	text, err := escpos.Render(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(text) >= 3*1024 {
		t.Errorf("typical receipt is %d bytes of ESC/POS, goal < 3072", len(text))
	}
	raster := rasterReceipt(t, doc)
	if !inked(raster) {
		t.Fatal("raster rendering drew nothing")
	}
	if len(raster) < 10*len(text) {
		t.Errorf("the raster receipt is %d bytes, the ESC/POS one %d: not the tenfold saving the text form is for", len(raster), len(text))
	}
	d := escpossim.Decode(raster, escpos.Columns80)
	if d.Rest != 0 || len(d.Unknown) != 0 || len(d.Receipts) != 1 {
		t.Fatalf("raster job does not read back: %+v", d)
	}
	t.Logf("typical receipt: ESC/POS %d bytes, GS v 0 raster %d bytes (%.1fx), at 115200 baud %.0f ms vs %.0f ms",
		len(text), len(raster), float64(len(raster))/float64(len(text)),
		float64(len(text))*10/115.2, float64(len(raster))*10/115.2)
}

func BenchmarkReceiptSize(b *testing.B) {
	doc := receipt()
	text, err := escpos.Render(doc, nil)
	if err != nil {
		b.Fatal(err)
	}
	raster := rasterReceipt(b, doc)
	for b.Loop() {
		if _, err := escpos.Render(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(text)), "escpos-bytes")
	b.ReportMetric(float64(len(raster)), "raster-bytes")
}

func BenchmarkParseStatus(b *testing.B) {
	answers := []byte{0x3a, 0x32, 0x12, 0x7e}
	for b.Loop() {
		if _, err := escpos.ParseStatus(answers); err != nil {
			b.Fatal(err)
		}
	}
}
