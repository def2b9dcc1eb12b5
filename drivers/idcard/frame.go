package idcard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Preamble opens every frame in both directions.
var preamble = [5]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// Commands (CMD, PARA) of GA 467.
const (
	CmdResetSAM       = 0x10 // PARA FF
	CmdSAMStatus      = 0x11 // PARA FF
	CmdSAMID          = 0x12 // PARA FF
	CmdCard           = 0x20 // PARA 01 find, 02 select
	CmdRead           = 0x30 // PARA 01 text+photo, 10 +fingerprint, 03 appended address
	CmdSetBaud        = 0x60 // PARA 00..04
	ParaSAM           = 0xFF
	ParaFind          = 0x01
	ParaSelect        = 0x02
	ParaReadBase      = 0x01
	ParaReadFinger    = 0x10
	ParaReadAppended  = 0x03
	headerLen         = 7 // preamble + LEN
	minBodyLen        = 3 // a request's CMD PARA CHK; a response has at least SW1 SW2 SW3 CHK
	MaxFrameLen       = 4096
	maxGarbageSkipped = 8192
)

// Request is a command to the module.
type Request struct {
	Cmd, Para byte
	Data      []byte
}

// Response is the module's answer.
type Response struct {
	SW1, SW2, SW3 byte
	Data          []byte
}

func xor(b []byte) byte {
	var c byte
	for _, v := range b {
		c ^= v
	}
	return c
}

// frame wraps body (everything between LEN and CHK) with preamble, LEN and CHK.
func frame(body ...[]byte) []byte {
	n := 0
	for _, b := range body {
		n += len(b)
	}
	out := make([]byte, 0, headerLen+n+1)
	out = append(out, preamble[:]...)
	out = append(out, byte((n+1)>>8), byte(n+1))
	for _, b := range body {
		out = append(out, b...)
	}
	return append(out, xor(out[5:]))
}

// EncodeRequest builds a request frame; find card is EncodeRequest(0x20, 0x01, nil) =
// AA AA AA 96 69 00 03 20 01 22.
func EncodeRequest(cmd, para byte, data []byte) []byte {
	return frame([]byte{cmd, para}, data)
}

// EncodeResponse builds an answer frame, as a module (or the simulator) sends it.
func EncodeResponse(sw1, sw2, sw3 byte, data []byte) []byte {
	return frame([]byte{sw1, sw2, sw3}, data)
}

// readFrame reads one frame and returns its body without CHK. It skips bytes until the
// preamble, so line noise or the tail of an earlier answer cannot shift the frame, and it
// checks LEN before reading so that a corrupt LEN fails fast instead of waiting for bytes
// that never come.
func readFrame(r io.Reader, minBody int) ([]byte, error) {
	var win [headerLen]byte
	if _, err := io.ReadFull(r, win[:len(preamble)]); err != nil {
		return nil, err
	}
	skipped := 0
	for !bytes.Equal(win[:len(preamble)], preamble[:]) {
		if skipped >= maxGarbageSkipped {
			return nil, fmt.Errorf("%w: no preamble in %d bytes", ErrFrame, skipped)
		}
		copy(win[:], win[1:len(preamble)])
		if _, err := io.ReadFull(r, win[len(preamble)-1:len(preamble)]); err != nil {
			return nil, midFrame(err)
		}
		skipped++
	}
	if _, err := io.ReadFull(r, win[len(preamble):]); err != nil {
		return nil, midFrame(err)
	}
	n := int(win[5])<<8 | int(win[6])
	if n < minBody+1 || headerLen+n > MaxFrameLen {
		return nil, fmt.Errorf("%w: LEN %d", ErrFrame, n)
	}
	buf := make([]byte, n+2)
	copy(buf, win[5:])
	if _, err := io.ReadFull(r, buf[2:]); err != nil {
		return nil, midFrame(err)
	}
	if got, want := buf[len(buf)-1], xor(buf[:len(buf)-1]); got != want {
		return nil, fmt.Errorf("%w: CHK %02X, computed %02X", ErrFrameChecksum, got, want)
	}
	return buf[2 : len(buf)-1], nil
}

// ReadResponse reads one answer from r: 7 bytes, then LEN more, resynchronising on the
// preamble after garbage. An empty input ends in io.EOF, a cut frame in io.ErrUnexpectedEOF, and
// a reader error is returned as it is.
// The SW3 code is returned as read; use Response.Err to turn it into an error.
func ReadResponse(r io.Reader) (*Response, error) {
	body, err := readFrame(r, 3)
	if err != nil {
		return nil, err
	}
	return &Response{SW1: body[0], SW2: body[1], SW3: body[2], Data: body[3:]}, nil
}

// ReadRequest reads one command frame from r, as the module (or the simulator) does.
func ReadRequest(r io.Reader) (*Request, error) {
	body, err := readFrame(r, 2)
	if err != nil {
		return nil, err
	}
	return &Request{Cmd: body[0], Para: body[1], Data: body[2:]}, nil
}

// midFrame keeps io.EOF, which means "nothing arrived", out of a half-read frame.
func midFrame(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Err is nil for SW3 90 and 9F, and a *StatusError for any other code. cmd and para name
// the command answered, for the error text.
func (r *Response) Err(cmd, para byte) error { return statusError(cmd, para, r.SW3) }
