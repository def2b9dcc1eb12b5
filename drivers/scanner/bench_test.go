package scanner

import "testing"

func BenchmarkParseInvoice(b *testing.B) {
	raw := []byte("01,10,044031900111,45678901,476.6,20190312,09887262553346434541,")
	b.ReportAllocs()
	for b.Loop() {
		Parse(raw)
	}
}

func BenchmarkParseGB18030(b *testing.B) {
	raw := []byte{0xD7, 0xD4, 0xD6, 0xFA, 0xB0, 0xEC, 0xCB, 0xB0} // 自助办税
	b.ReportAllocs()
	for b.Loop() {
		Parse(raw)
	}
}

// BenchmarkFramer measures framing a 1 KiB code, the size of a dense QR code.
func BenchmarkFramer(b *testing.B) {
	code := make([]byte, 1024)
	for i := range code {
		code[i] = 'a' + byte(i%26)
	}
	code = append(code, '\r', '\n')
	f := newFramer([]byte("\r\n"), DefaultMaxLen)
	b.SetBytes(int64(len(code)))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range code {
			f.feed(c)
		}
	}
}
