package escpos_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"taxkiosk/drivers/escpos"
)

// Frames below are written from section 2 of the protocol notes, byte by byte, not taken
// from the encoder's output.
const (
	hdrGB    = "\x1b\x40\x1c\x26" // ESC @, FS & (Chinese mode)
	hdrASCII = "\x1b\x40\x1c\x2e" // ESC @, FS . (Chinese mode off)
)

func TestRenderFrames(t *testing.T) {
	doc := func() *escpos.Document { return new(escpos.Document) }
	tests := []struct {
		name string
		doc  *escpos.Document
		opts *escpos.RenderOpts
		want string
	}{
		{"empty", doc(), nil, hdrGB},
		{"ascii code page", doc(), &escpos.RenderOpts{CodePage: escpos.CodePageASCII}, hdrASCII},
		{"GB18030 of 增值税", doc().Paragraph("增值税"), nil, hdrGB + "\xd4\xf6\xd6\xb5\xcb\xb0\x0a"},
		{"title: centre, bold, double size, then back", doc().Title("A"), nil,
			hdrGB + "\x1b\x61\x01" + "\x1b\x45\x01" + "\x1d\x21\x11" + "A\x0a" + "\x1d\x21\x00" + "\x1b\x45\x00" + "\x1b\x61\x00"},
		{"QR model 2, size 4, EC M, store, print", doc().QR("ABC", 4), nil,
			hdrGB + "\x1b\x61\x01" +
				"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00" +
				"\x1d\x28\x6b\x03\x00\x31\x43\x04" +
				"\x1d\x28\x6b\x03\x00\x31\x45\x31" +
				"\x1d\x28\x6b\x06\x00\x31\x50\x30ABC" +
				"\x1d\x28\x6b\x03\x00\x31\x51\x30" +
				"\x1b\x61\x00"},
		{"QR default module size 6", doc().QR("Z", 0), nil,
			hdrGB + "\x1b\x61\x01" + "\x1d\x28\x6b\x04\x00\x31\x41\x32\x00" + "\x1d\x28\x6b\x03\x00\x31\x43\x06" +
				"\x1d\x28\x6b\x03\x00\x31\x45\x31" + "\x1d\x28\x6b\x04\x00\x31\x50\x30Z" + "\x1d\x28\x6b\x03\x00\x31\x51\x30" + "\x1b\x61\x00"},
		{"partial cut is GS V 66 0", doc().Cut(), nil, hdrGB + "\x1d\x56\x42\x00"},
		{"full cut is GS V 65 0", doc().Cut(), &escpos.RenderOpts{FullCut: true}, hdrGB + "\x1d\x56\x41\x00"},
		{"feed is ESC d n", doc().Feed(3), nil, hdrGB + "\x1b\x64\x03"},
		{"CODE128 set B, '{' doubled", doc().Barcode("AB{C"), nil,
			hdrGB + "\x1b\x61\x01" + "\x1d\x68\x50" + "\x1d\x77\x02" + "\x1d\x48\x02" +
				"\x1d\x6b\x49\x07{BAB{{C" + "\x1b\x61\x00"},
		{"pair right-aligns the value on 58 mm", doc().Pair("AB", "CD"), &escpos.RenderOpts{PaperMM: 58},
			hdrGB + "AB" + strings.Repeat(" ", 28) + "CD\x0a"},
		{"pair counts a CJK character as two columns", doc().Pair("税额", "1.00"), &escpos.RenderOpts{PaperMM: 58},
			hdrGB + "\xcb\xb0\xb6\xee" + strings.Repeat(" ", 24) + "1.00\x0a"},
		{"amount value in bold", doc().Amount("A", "1"), &escpos.RenderOpts{PaperMM: 58},
			hdrGB + "A" + strings.Repeat(" ", 30) + "\x1b\x45\x01" + "1" + "\x1b\x45\x00" + "\x0a"},
		{"separator spans the paper", doc().Separator(), &escpos.RenderOpts{PaperMM: 58}, hdrGB + strings.Repeat("-", 32) + "\x0a"},
		{"4-byte GB18030 character becomes '?'", doc().Paragraph("a😀b"), nil, hdrGB + "a?b\x0a"},
		{"control bytes in text cannot inject commands", doc().Paragraph("a\x1b\x40\x1d\x56\x00b"), nil, hdrGB + "a?@?V?b\x0a"},
		{"ASCII code page replaces CJK", doc().Paragraph("税a"), &escpos.RenderOpts{CodePage: escpos.CodePageASCII}, hdrASCII + "?a\x0a"},
		{"half-width yen prints as full-width", doc().Paragraph("¥1"), nil, hdrGB + "\xa3\xa41\x0a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := escpos.Render(tt.doc, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(tt.want)) {
				t.Errorf("got  % x\nwant % x", got, []byte(tt.want))
			}
		})
	}
}

func TestRenderQRLengthBytes(t *testing.T) {
	data := strings.Repeat("x", 300) // pL pH = 303 = 0x012f
	got, err := escpos.Render(new(escpos.Document).QR(data, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "\x1d\x28\x6b\x2f\x01\x31\x50\x30" + data
	if !bytes.Contains(got, []byte(want)) {
		t.Errorf("store command for 300 bytes not found in % x", got)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  *escpos.Document
		opts *escpos.RenderOpts
		want error
	}{
		{"QR over the default cap", new(escpos.Document).QR(strings.Repeat("1", 501), 0), nil, escpos.ErrQRTooLong},
		{"QR over a configured cap", new(escpos.Document).QR(strings.Repeat("1", 101), 0), &escpos.RenderOpts{MaxQR: 100}, escpos.ErrQRTooLong},
		{"strict refuses a 4-byte character", new(escpos.Document).Pair("纳税人", "吉𠮷"), &escpos.RenderOpts{Strict: true}, escpos.ErrUnencodable},
		{"strict refuses invalid UTF-8", new(escpos.Document).Paragraph("\xff"), &escpos.RenderOpts{Strict: true}, escpos.ErrUnencodable},
		{"strict ASCII refuses CJK", new(escpos.Document).Title("税"), &escpos.RenderOpts{Strict: true, CodePage: escpos.CodePageASCII}, escpos.ErrUnencodable},
		{"QR module size", new(escpos.Document).QR("a", 17), nil, escpos.ErrBadDocument},
		{"empty QR", new(escpos.Document).QR("", 0), nil, escpos.ErrBadDocument},
		{"barcode outside ASCII", new(escpos.Document).Barcode("税"), nil, escpos.ErrBadDocument},
		{"barcode too long", new(escpos.Document).Barcode(strings.Repeat("1", 254)), nil, escpos.ErrBadDocument},
		{"paper width", new(escpos.Document), &escpos.RenderOpts{PaperMM: 76}, escpos.ErrBadDocument},
		{"nil document", nil, nil, escpos.ErrBadDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := escpos.Render(tt.doc, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Errorf("bytes returned with an error: % x", got)
			}
			if strings.Contains(err.Error(), "𠮷") {
				t.Errorf("error names the character: %v", err)
			}
		})
	}
	if _, err := escpos.Render(new(escpos.Document).QR(strings.Repeat("1", 1000), 0), &escpos.RenderOpts{MaxQR: 1000}); err != nil {
		t.Errorf("QR at a raised cap: %v", err)
	}
}

func TestText(t *testing.T) {
	d := new(escpos.Document).
		Title("完税证明").
		Paragraph("alpha beta gamma delta epsilon").
		Paragraph("一二三四五六七八九十一二三四五六七").
		Pair("label", "value").
		Pair("a long label that fills", "and a long value").
		Amount("合计", "12.00").
		QR("Q1", 0).
		Barcode("B1").
		Feed(1).
		Cut()
	want := "" +
		strings.Repeat(" ", (23-8)/2) + "完税证明\n" +
		"alpha beta gamma delta\n" +
		"epsilon\n" +
		"一二三四五六七八九十一\n" +
		"二三四五六七\n" +
		"label" + strings.Repeat(" ", 23-5-5) + "value\n" +
		"a long label that fills\n" +
		"       and a long value\n" +
		"合计" + strings.Repeat(" ", 23-4-5) + "12.00\n" +
		"[QR: Q1]\n" +
		"[CODE128: B1]\n" +
		"\n"
	if got := d.Text(23); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
