package idcard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Request frames written out by hand from the GA 467 command table: LEN 00 03, CHK the XOR
// of LEN, CMD and PARA.
func TestEncodeRequestFromDoc(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cmd, para byte
		want      string
	}{
		{"find card", 0x20, 0x01, "AA AA AA 96 69 00 03 20 01 22"},
		{"select card", 0x20, 0x02, "AA AA AA 96 69 00 03 20 02 21"},
		{"read text+photo", 0x30, 0x01, "AA AA AA 96 69 00 03 30 01 32"},
		{"read with fingerprint", 0x30, 0x10, "AA AA AA 96 69 00 03 30 10 23"},
		{"read appended address", 0x30, 0x03, "AA AA AA 96 69 00 03 30 03 30"},
		{"reset SAM", 0x10, 0xFF, "AA AA AA 96 69 00 03 10 FF EC"},
		{"SAM status", 0x11, 0xFF, "AA AA AA 96 69 00 03 11 FF ED"},
		{"SAM ID", 0x12, 0xFF, "AA AA AA 96 69 00 03 12 FF EE"},
		{"baud 115200", 0x60, 0x00, "AA AA AA 96 69 00 03 60 00 63"},
		{"baud 9600", 0x60, 0x04, "AA AA AA 96 69 00 03 60 04 67"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EncodeRequest(tc.cmd, tc.para, nil)
			if want := unhex(t, tc.want); !bytes.Equal(got, want) {
				t.Fatalf("got % X, want % X", got, want)
			}
			req, err := ReadRequest(bytes.NewReader(got))
			if err != nil || req.Cmd != tc.cmd || req.Para != tc.para || len(req.Data) != 0 {
				t.Fatalf("ReadRequest = %+v, %v", req, err)
			}
		})
	}
}

func TestReadResponseFromDoc(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		sw3     byte
		data    string
		err     error // from ReadResponse
		status  error // from Response.Err
		remains int   // bytes left unread in the input
	}{
		{name: "card found", in: "AA AA AA 96 69 00 04 00 00 9F 9B", sw3: 0x9F},
		{name: "no card", in: "AA AA AA 96 69 00 04 00 00 80 84", sw3: 0x80, status: ErrNoCard},
		{name: "selected", in: "AA AA AA 96 69 00 04 00 00 90 94", sw3: 0x90},
		{name: "select failed", in: "AA AA AA 96 69 00 04 00 00 81 85", sw3: 0x81, status: ErrSelectFailed},
		{name: "SAM self-test", in: "AA AA AA 96 69 00 04 00 00 60 64", sw3: 0x60, status: ErrSAMSelfTest},
		{name: "data", in: "AA AA AA 96 69 00 06 00 00 90 12 34 B0", sw3: 0x90, data: "12 34"},
		{name: "garbage before", in: "00 FF AA AA 96 AA AA AA 96 69 00 04 00 00 90 94", sw3: 0x90},
		{name: "preamble split by garbage", in: "AA AA AA 96 00 AA AA AA 96 69 00 04 00 00 80 84", sw3: 0x80, status: ErrNoCard},
		{name: "trailing bytes stay unread", in: "AA AA AA 96 69 00 04 00 00 90 94 AA AA", sw3: 0x90, remains: 2},
		{name: "bad checksum", in: "AA AA AA 96 69 00 04 00 00 90 95", err: ErrFrameChecksum},
		{name: "LEN too short", in: "AA AA AA 96 69 00 02 00 00", err: ErrFrame},
		{name: "LEN too long", in: "AA AA AA 96 69 FF FF 00 00 90", err: ErrFrame},
		{name: "cut short", in: "AA AA AA 96 69 00 04 00 00", err: io.ErrUnexpectedEOF},
		{name: "empty", in: "", err: io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bytes.NewReader(unhex(t, tc.in))
			resp, err := ReadResponse(r)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.SW3 != tc.sw3 || !bytes.Equal(resp.Data, unhex(t, tc.data)) {
				t.Fatalf("got SW3 %02X data % X", resp.SW3, resp.Data)
			}
			if err := resp.Err(0x20, 0x01); !errors.Is(err, tc.status) || (tc.status == nil) != (err == nil) {
				t.Fatalf("Err = %v, want %v", err, tc.status)
			}
			if r.Len() != tc.remains {
				t.Fatalf("%d bytes left, want %d", r.Len(), tc.remains)
			}
		})
	}
}

// The read answer as the doc spells it: 1295 bytes, starting 05 08 00 00 90 after the
// preamble, then 01 00 and 04 00.
func TestReadTextPhotoAnswerShape(t *testing.T) {
	data := append(unhex(t, "01 00 04 00"), make([]byte, 256+1024)...)
	frame := EncodeResponse(0, 0, 0x90, data)
	if len(frame) != 1295 {
		t.Fatalf("frame of %d bytes, doc says 1295", len(frame))
	}
	if want := unhex(t, "AA AA AA 96 69 05 08 00 00 90 01 00 04 00"); !bytes.Equal(frame[:14], want) {
		t.Fatalf("head % X, want % X", frame[:14], want)
	}
}

func TestStatusTable(t *testing.T) {
	for _, tc := range []struct {
		sw3  byte
		want error
		key  string
	}{
		{0x10, ErrChecksum, "idcard.retry"},
		{0x11, ErrLength, "idcard.retry"},
		{0x21, ErrBadCommand, "idcard.retry"},
		{0x23, ErrNotPermitted, "idcard.retry"},
		{0x24, ErrUnknown, "idcard.retry"},
		{0x31, ErrCardAuthSAM, "idcard.read_failed"},
		{0x32, ErrSAMAuthCard, "idcard.read_failed"},
		{0x33, ErrVerify, "idcard.read_failed"},
		{0x40, ErrUnknownCardType, "idcard.unsupported_card"},
		{0x41, ErrReadFailed, "idcard.read_failed"},
		{0x47, ErrRandom, "idcard.read_failed"},
		{0x60, ErrSAMSelfTest, "idcard.sam_fault"},
		{0x66, ErrSAMNotAuthorised, "idcard.sam_fault"},
		{0x80, ErrNoCard, "idcard.no_card"},
		{0x81, ErrSelectFailed, "idcard.no_card"},
		{0x91, ErrNoContent, "idcard.read_failed"},
		{0x55, ErrUnknownStatus, "idcard.retry"},
	} {
		err := statusError(0x30, 0x01, tc.sw3)
		var se *StatusError
		if !errors.Is(err, tc.want) || !errors.As(err, &se) || se.SW3 != tc.sw3 {
			t.Errorf("SW3 %02X: %v does not match %v", tc.sw3, err, tc.want)
		}
		if errors.Is(err, ErrNoAnswer) {
			t.Errorf("SW3 %02X matches an unrelated sentinel", tc.sw3)
		}
		if k := NoticeFor(err).Key; k != tc.key {
			t.Errorf("SW3 %02X: notice %q, want %q", tc.sw3, k, tc.key)
		}
	}
	for _, ok := range []byte{0x90, 0x9F} {
		if err := statusError(0x20, 0x01, ok); err != nil {
			t.Errorf("SW3 %02X is success, got %v", ok, err)
		}
	}
	for _, n := range Notices() {
		if n.Key == "" || n.ZH == "" || n.EN == "" {
			t.Errorf("incomplete notice %+v", n)
		}
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add(unhex(f, "AA AA AA 96 69 00 04 00 00 9F 9B"))
	f.Add(unhex(f, "00 AA AA AA 96 AA AA AA 96 69 00 06 00 00 90 12 34 B0"))
	f.Add(unhex(f, "AA AA AA 96 69 00 04 00 00 90 95"))
	f.Add(unhex(f, "AA AA AA 96 69 FF FF"))
	f.Fuzz(func(t *testing.T, in []byte) {
		resp, err := ReadResponse(bytes.NewReader(in))
		if err != nil {
			if errors.Is(err, ErrFrame) || errors.Is(err, ErrFrameChecksum) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return
			}
			t.Fatalf("unexpected error class: %v", err)
		}
		// A frame accepted must be in the input exactly as the encoder would write it.
		again := EncodeResponse(resp.SW1, resp.SW2, resp.SW3, resp.Data)
		if !bytes.Contains(in, again) {
			t.Fatalf("accepted frame % X not in input", again)
		}
	})
}
