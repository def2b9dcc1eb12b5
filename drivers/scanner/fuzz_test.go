package scanner

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks Parse's promises on any input: it never panics, Raw is valid UTF-8, the
// Kind matches what is set, Valid means no Problems, a valid amount has exactly two
// decimals, and the JSON form reads back to the same Code.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"01,04,3100181130,12345678,1000.00,20190521,12345678901234567890,8A3F",
		"01,10,044031900111,45678901,476.6,20190312,09887262553346434541,",
		"01,32,,24442000000012345678,32,20240115,,5B6E",
		"TK1:K-0001:2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10",
		"\xcb\xb0\xce\xf1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c := Parse(raw)
		if !utf8.ValidString(c.Raw) {
			t.Fatalf("Raw %q is not UTF-8", c.Raw)
		}
		switch c.Kind {
		case KindVATInvoice:
			inv := c.Invoice
			if inv == nil || c.Receipt != nil {
				t.Fatal("vat_invoice without exactly an Invoice")
			}
			if inv.Valid != (len(inv.Problems) == 0) {
				t.Fatalf("Valid=%v with problems %v", inv.Valid, inv.Problems)
			}
			if inv.Valid {
				dot := strings.IndexByte(inv.Amount, '.')
				if dot < 1 || len(inv.Amount)-dot != 3 {
					t.Fatalf("valid invoice with amount %q", inv.Amount)
				}
			}
		case KindKioskReceipt:
			if c.Receipt == nil || c.Invoice != nil || c.Receipt.KioskID == "" || c.Receipt.TxnID == "" {
				t.Fatalf("bad receipt %+v", c.Receipt)
			}
		case KindOther:
			if c.Invoice != nil || c.Receipt != nil {
				t.Fatal("other with a payload")
			}
		default:
			t.Fatalf("kind %q", c.Kind)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Code
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("JSON round trip: %+v != %+v", back, c)
		}
	})
}

// FuzzFramer checks the framer on any byte stream: codes never exceed the maximum, never
// contain their suffix, and the buffer stays bounded.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("abc\rdef\r\n\nghi"), uint8(0), uint8(8))
	f.Add([]byte("0123456789abcdef\r\nok\r\n"), uint8(1), uint8(4))
	f.Add([]byte("\r\r\n\n\r"), uint8(2), uint8(1))
	f.Add([]byte("x\ny\n"), uint8(3), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, which, max uint8) {
		suffixes := [][]byte{nil, []byte("\r\n"), []byte("\r"), []byte("\n")}
		sfx := suffixes[int(which)%len(suffixes)]
		limit := int(max)%64 + 1
		fr := newFramer(sfx, limit)
		for _, c := range in {
			code, ev := fr.feed(c)
			if ev != frameCode {
				continue
			}
			if len(code) == 0 || len(code) > limit {
				t.Fatalf("code of %d bytes, limit %d", len(code), limit)
			}
			if sfx == nil && strings.ContainsAny(string(code), "\r\n") || sfx != nil && strings.Contains(string(code), string(sfx)) {
				t.Fatalf("code %q holds its suffix", code)
			}
			if len(fr.buf) > limit+2 {
				t.Fatalf("buffer holds %d bytes, limit %d", len(fr.buf), limit)
			}
		}
	})
}
