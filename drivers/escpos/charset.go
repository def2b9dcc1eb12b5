package escpos

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// CodePage is the character set text is sent in.
type CodePage int

const (
	// CodePageGB18030 selects Chinese mode (FS &) and sends CJK as 2-byte GB18030, the
	// subset that equals GBK; characters that need the 4-byte form are not printed by
	// Chinese receipt printers and are replaced or refused.
	CodePageGB18030 CodePage = iota
	// CodePageASCII cancels Chinese mode (FS .) and sends printable ASCII only, for printers
	// without a Chinese font.
	CodePageASCII
)

func (c CodePage) String() string {
	switch c {
	case CodePageGB18030:
		return "gb18030"
	case CodePageASCII:
		return "ascii"
	}
	return fmt.Sprintf("CodePage(%d)", int(c))
}

// charset decides, rune by rune, what the printer is sent. It holds an encoder and is not
// safe for concurrent use; each render makes its own.
type charset struct {
	page CodePage
	enc  *encoding.Encoder
	src  [utf8.UTFMax]byte
	dst  [8]byte
}

func newCharset(page CodePage) *charset {
	c := &charset{page: page}
	if page == CodePageGB18030 {
		c.enc = simplifiedchinese.GB18030.NewEncoder()
	}
	return c
}

// encode returns the bytes that print r, or nil when r cannot be printed. The result is
// only valid until the next call.
func (c *charset) encode(r rune) []byte {
	switch {
	case r >= 0x20 && r < 0x7f:
		c.dst[0] = byte(r)
		return c.dst[:1]
	case r < 0x80 || c.enc == nil || r == utf8.RuneError:
		return nil
	}
	n := utf8.EncodeRune(c.src[:], r)
	c.enc.Reset()
	m, _, err := c.enc.Transform(c.dst[:], c.src[:n], true)
	if err != nil || m != 2 || c.dst[0] < 0x81 || c.dst[0] == 0xff || c.dst[1] < 0x40 || c.dst[1] == 0x7f || c.dst[1] == 0xff {
		return nil // the 4-byte form, or no form at all
	}
	return c.dst[:2]
}

// clean replaces what cannot be printed with '?', keeping "\n".
func (c *charset) clean(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		r = substitute(r)
		switch {
		case r == '\n':
			sb.WriteByte('\n')
		case c.encode(r) == nil:
			sb.WriteByte('?')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// substitute swaps characters that have no 2-byte form for ones that print the same.
func substitute(r rune) rune {
	switch r {
	case '\t', '\u00a0':
		return ' '
	case '¥':
		return '￥' // the half-width yen sign has only a 4-byte form
	}
	return r
}

// check finds the first character of s that clean would replace, for Strict rendering.
func (c *charset) check(s string) error {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrUnencodable, i)
		}
		if r != '\n' && c.encode(substitute(r)) == nil {
			// The character itself stays out of the message: it may be part of a name.
			return fmt.Errorf("%w: character at byte %d has no 2-byte form in %s", ErrUnencodable, i, c.page)
		}
		i += n
	}
	return nil
}

// appendText appends the bytes of an already cleaned string.
func (c *charset) appendText(b []byte, s string) []byte {
	for _, r := range s {
		b = append(b, c.encode(r)...)
	}
	return b
}
