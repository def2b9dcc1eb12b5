package escpos_test

import (
	"errors"
	"testing"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
)

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte{0x12, 0x12, 0x12, 0x12})
	f.Add([]byte{0x1a, 0x32, 0x12, 0x7e})
	f.Add([]byte{0x10, 0x00, 0x0f, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := escpos.ParseStatus(b)
		valid := len(b) >= 1 && len(b) <= 4
		for _, c := range b {
			valid = valid && escpos.IsStatusByte(c)
		}
		if valid != (err == nil) {
			t.Fatalf("ParseStatus(% x): err %v, but the fixed bits say valid=%t", b, err, valid)
		}
		if err == nil {
			if st.Paper != escpos.PaperOK && st.Paper != escpos.PaperNearEnd && st.Paper != escpos.PaperEnd {
				t.Fatalf("paper %q", st.Paper)
			}
			if (st.Err() == nil) != (st.Online && st.Paper != escpos.PaperEnd && !st.CoverOpen && st.Error == "") {
				t.Fatalf("Err() %v disagrees with %+v", st.Err(), st)
			}
		}
		if _, err := escpos.ParseASB(b); err == nil && (len(b) != 4 || !escpos.IsASBStart(b[0])) {
			t.Fatalf("ParseASB accepted % x", b)
		}
	})
}

// FuzzRender renders arbitrary text and codes and reads the bytes back with the
// simulator's interpreter: every byte must belong to a known command, nothing may look like
// a status query, and the paper must read exactly as Document.Text says.
func FuzzRender(f *testing.F) {
	f.Add("完税证明", "纳税人识别号 91350100M000100Y43", "实缴金额", "￥1,234.56", "https://etax.example/v?c=1", "TX-2026-0001", byte(0))
	f.Add("Receipt", "a\x1b@\x1dV\x00\x10\x04\x01b", "label", "value", "\x10\x04\x01\x1d(k", "{B{{", byte(1))
	f.Add("吉𠮷", "😀\xff\xfe", "", "", "x", "a", byte(6))
	f.Fuzz(func(t *testing.T, title, text, label, value, qr, bar string, flags byte) {
		opts := &escpos.RenderOpts{PaperMM: 80, Strict: flags&2 != 0, FullCut: flags&4 != 0}
		if flags&1 != 0 {
			opts.PaperMM = 58
		}
		if flags&8 != 0 {
			opts.CodePage = escpos.CodePageASCII
		}
		doc := new(escpos.Document).Title(title).Paragraph(text).Separator().Pair(label, value).
			Amount(label, value).QR(qr, int(flags>>4)).Barcode(bar).Feed(int(flags >> 5)).Cut()
		out, err := escpos.Render(doc, opts)
		if err != nil {
			for _, want := range []error{escpos.ErrUnencodable, escpos.ErrQRTooLong, escpos.ErrBadDocument} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		cols := opts.Columns()
		dec := escpossim.Decode(out, cols)
		if dec.Rest != 0 || len(dec.Unknown) != 0 || dec.Queries != 0 {
			t.Fatalf("printer reads rest=%d unknown=%q queries=%d in % x", dec.Rest, dec.Unknown, dec.Queries, out)
		}
		if len(dec.Receipts) != 1 || !dec.Receipts[0].Cut || dec.Receipts[0].Bytes != len(out) {
			t.Fatalf("receipts %+v from %d bytes", dec.Receipts, len(out))
		}
		if len(dec.Receipts[0].QRs) != 1 || dec.Receipts[0].QRs[0] != qr {
			t.Fatalf("QR %q read back as %q", qr, dec.Receipts[0].QRs)
		}
		if opts.CodePage == escpos.CodePageGB18030 {
			if got, want := dec.Receipts[0].Text, doc.Text(cols); got != want {
				t.Fatalf("paper reads\n%s\npreview says\n%s", got, want)
			}
		}
	})
}
