package scanner

import "bytes"

// framer cuts the byte stream into codes at the suffix. It is pure: the device feeds it what
// the port read and tells it when the line went quiet.
type framer struct {
	suffix []byte // nil: CR, LF and CRLF all end a code
	max    int
	keep   int // bytes of a suffix that can sit in buf before its last byte arrives

	buf        []byte
	discarding bool
	dropped    int
}

func newFramer(suffix []byte, max int) *framer {
	keep := 0
	if len(suffix) > 1 {
		keep = len(suffix) - 1
	}
	return &framer{suffix: suffix, max: max, keep: keep, buf: make([]byte, 0, 256)}
}

// frameEvent is what one byte completed.
type frameEvent int

const (
	frameNone    frameEvent = iota
	frameCode               // a code is ready in the returned slice
	frameTooLong            // an overlong code ended at its suffix; dropped() tells how many bytes
)

// feed adds one byte. The returned slice is valid until the next call.
func (f *framer) feed(c byte) ([]byte, frameEvent) {
	if f.suffix == nil {
		if c == '\r' || c == '\n' {
			// A CRLF's LF ends an empty code, which is skipped: that is how "any suffix" holds.
			return f.end(nil)
		}
	} else if c == f.suffix[len(f.suffix)-1] && bytes.HasSuffix(append(f.buf, c), f.suffix) {
		return f.end(f.suffix[:len(f.suffix)-1])
	}
	if f.discarding {
		f.dropped++
		// Keep only what could begin the suffix, so memory stays bounded however long the
		// garbage runs.
		if f.keep > 0 {
			f.buf = append(f.buf, c)
			if len(f.buf) > f.keep {
				f.buf = append(f.buf[:0], f.buf[len(f.buf)-f.keep:]...)
			}
		}
		return nil, frameNone
	}
	f.buf = append(f.buf, c)
	if len(f.buf) > f.max+f.keep {
		f.discarding = true
		f.dropped = len(f.buf)
		f.buf = append(f.buf[:0], f.buf[len(f.buf)-f.keep:]...)
	}
	return nil, frameNone
}

// end closes the current code; head is the part of the suffix already in buf.
func (f *framer) end(head []byte) ([]byte, frameEvent) {
	if f.discarding {
		f.discarding = false
		f.buf = f.buf[:0]
		return nil, frameTooLong
	}
	code := f.buf[:len(f.buf)-len(head)]
	f.buf = f.buf[:0]
	if len(code) == 0 {
		return nil, frameNone
	}
	return code, frameCode
}

// pending reports whether a partial code is buffered.
func (f *framer) pending() bool { return len(f.buf) > 0 || f.discarding }

// reset drops a partial code and returns how many bytes it held.
func (f *framer) reset() int {
	n := len(f.buf)
	if f.discarding {
		n = f.dropped
	}
	f.buf = f.buf[:0]
	f.discarding = false
	f.dropped = 0
	return n
}

// droppedBytes is the size of the overlong code just reported.
func (f *framer) droppedBytes() int {
	n := f.dropped
	f.dropped = 0
	return n
}
