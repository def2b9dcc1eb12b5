package scanner

import (
	"strings"
	"testing"
)

func TestFramer(t *testing.T) {
	type out struct {
		code    string
		tooLong bool
	}
	tests := []struct {
		name   string
		suffix string
		max    int
		in     string
		want   []out
	}{
		{"CR", "\r", 16, "abc\rdef\r", []out{{code: "abc"}, {code: "def"}}},
		{"LF", "\n", 16, "abc\ndef\n", []out{{code: "abc"}, {code: "def"}}},
		{"CRLF", "\r\n", 16, "abc\r\ndef\r\n", []out{{code: "abc"}, {code: "def"}}},
		{"CRLF keeps a lone CR", "\r\n", 16, "a\rb\r\n", []out{{code: "a\rb"}}},
		{"CR keeps LF", "\r", 16, "a\nb\r", []out{{code: "a\nb"}}},
		{"any: CR, LF, CRLF", "", 16, "a\rb\nc\r\nd\r", []out{{code: "a"}, {code: "b"}, {code: "c"}, {code: "d"}}},
		{"empty codes skipped", "", 16, "\r\n\r\nx\n", []out{{code: "x"}}},
		{"exactly max", "\r\n", 4, "abcd\r\n", []out{{code: "abcd"}}},
		{"exactly max, any suffix", "", 4, "abcd\r", []out{{code: "abcd"}}},
		{"overlong then good", "\r\n", 4, "abcdefghij\r\nok\r\n", []out{{tooLong: true}, {code: "ok"}}},
		{"overlong ends with split suffix", "\r\n", 4, "abcde\rfgh\r\nok\r\n", []out{{tooLong: true}, {code: "ok"}}},
		{"overlong, any suffix", "", 3, "abcdef\nok\n", []out{{tooLong: true}, {code: "ok"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sfx []byte
			if tt.suffix != "" {
				sfx = []byte(tt.suffix)
			}
			f := newFramer(sfx, tt.max)
			var got []out
			for i := 0; i < len(tt.in); i++ {
				code, ev := f.feed(tt.in[i])
				switch ev {
				case frameCode:
					got = append(got, out{code: string(code)})
				case frameTooLong:
					got = append(got, out{tooLong: true})
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}

// TestFramerBoundedMemory feeds a megabyte without a suffix: the buffer must not grow with it.
func TestFramerBoundedMemory(t *testing.T) {
	f := newFramer([]byte("\r\n"), 64)
	junk := strings.Repeat("x", 1<<20)
	for i := 0; i < len(junk); i++ {
		f.feed(junk[i])
	}
	if cap(f.buf) > 1024 {
		t.Fatalf("buffer grew to %d bytes", cap(f.buf))
	}
	if _, ev := f.feed('\r'); ev != frameNone {
		t.Fatal("CR alone ended a CRLF code")
	}
	if _, ev := f.feed('\n'); ev != frameTooLong {
		t.Fatal("overlong code not reported at its suffix")
	}
	if n := f.droppedBytes(); n < 1<<20 {
		t.Fatalf("dropped %d bytes, want at least %d", n, 1<<20)
	}
}
