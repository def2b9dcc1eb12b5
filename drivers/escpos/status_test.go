package escpos_test

import (
	"errors"
	"reflect"
	"testing"

	"taxkiosk/drivers/escpos"
)

// Each row sets one bit of one DLE EOT answer per the protocol notes, the others idle (0x12).
func TestParseStatusBits(t *testing.T) {
	idle := escpos.Status{Online: true, Paper: escpos.PaperOK}
	tests := []struct {
		name    string
		answers []byte
		want    escpos.Status
		err     error // Status.Err
	}{
		{"idle", []byte{0x12, 0x12, 0x12, 0x12}, idle, nil},
		{"n1 bit 3 offline", []byte{0x1a, 0x12, 0x12, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorOffline}, escpos.ErrOffline},
		{"n1 bit 5 waiting for online recovery", []byte{0x32, 0x12, 0x12, 0x12}, escpos.Status{Online: true, Paper: escpos.PaperOK, WaitingOnline: true}, nil},
		{"n1 bit 6 feed button", []byte{0x52, 0x12, 0x12, 0x12}, escpos.Status{Online: true, Paper: escpos.PaperOK, FeedButton: true}, nil},
		{"n2 bit 2 cover open", []byte{0x1a, 0x16, 0x12, 0x12}, escpos.Status{Paper: escpos.PaperOK, CoverOpen: true}, escpos.ErrCoverOpen},
		{"n2 bit 3 feeding by button", []byte{0x1a, 0x1a, 0x12, 0x12}, escpos.Status{Paper: escpos.PaperOK, FeedButton: true}, escpos.ErrOffline},
		{"n2 bit 5 stopped at paper end", []byte{0x1a, 0x32, 0x12, 0x12}, escpos.Status{Paper: escpos.PaperEnd}, escpos.ErrPaperOut},
		{"n2 bit 6 error, cause not named", []byte{0x1a, 0x52, 0x12, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorOffline}, escpos.ErrOffline},
		{"n3 bit 3 autocutter", []byte{0x1a, 0x52, 0x1a, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorAutocutter}, escpos.ErrCutter},
		{"n3 bit 5 unrecoverable", []byte{0x1a, 0x52, 0x32, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorUnrecoverable}, escpos.ErrUnrecoverable},
		{"n3 bit 6 auto-recoverable", []byte{0x1a, 0x52, 0x52, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorAutoRecoverable}, escpos.ErrOffline},
		{"n3 unrecoverable wins over autocutter", []byte{0x1a, 0x52, 0x3a, 0x12}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorUnrecoverable}, escpos.ErrUnrecoverable},
		{"n4 bits 2,3 near end", []byte{0x12, 0x12, 0x12, 0x1e}, escpos.Status{Online: true, Paper: escpos.PaperNearEnd}, nil},
		{"n4 bit 2 alone near end", []byte{0x12, 0x12, 0x12, 0x16}, escpos.Status{Online: true, Paper: escpos.PaperNearEnd}, nil},
		{"n4 bits 5,6 paper end", []byte{0x12, 0x12, 0x12, 0x72}, escpos.Status{Online: true, Paper: escpos.PaperEnd}, escpos.ErrPaperOut},
		{"n4 paper end with near end", []byte{0x3a, 0x32, 0x12, 0x7e}, escpos.Status{Paper: escpos.PaperEnd, WaitingOnline: true}, escpos.ErrPaperOut},
		{"one answer only", []byte{0x12}, idle, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := escpos.ParseStatus(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = tt.answers
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if err := got.Err(); !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestParseStatusGarbage(t *testing.T) {
	for _, answers := range [][]byte{
		{0x13, 0x12, 0x12, 0x12}, // bit 0 set
		{0x12, 0x10, 0x12, 0x12}, // bit 1 clear
		{0x12, 0x12, 0x02, 0x12}, // bit 4 clear
		{0x12, 0x12, 0x12, 0x92}, // bit 7 set
		{0xff},
		{0x00},
		{},
		{0x12, 0x12, 0x12, 0x12, 0x12},
	} {
		if _, err := escpos.ParseStatus(answers); !errors.Is(err, escpos.ErrBadStatus) {
			t.Errorf("ParseStatus(% x) err = %v, want ErrBadStatus", answers, err)
		}
	}
}

func TestParseASB(t *testing.T) {
	tests := []struct {
		block []byte
		want  escpos.Status
	}{
		{[]byte{0x10, 0x00, 0x00, 0x00}, escpos.Status{Online: true, Paper: escpos.PaperOK}},
		{[]byte{0x38, 0x00, 0x00, 0x00}, escpos.Status{Paper: escpos.PaperOK, CoverOpen: true}},
		{[]byte{0x50, 0x00, 0x00, 0x00}, escpos.Status{Online: true, Paper: escpos.PaperOK, FeedButton: true}},
		{[]byte{0x18, 0x08, 0x00, 0x00}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorAutocutter}},
		{[]byte{0x18, 0x20, 0x00, 0x00}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorUnrecoverable}},
		{[]byte{0x18, 0x40, 0x00, 0x00}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorAutoRecoverable}},
		{[]byte{0x10, 0x00, 0x03, 0x00}, escpos.Status{Online: true, Paper: escpos.PaperNearEnd}},
		{[]byte{0x18, 0x00, 0x0f, 0x00}, escpos.Status{Paper: escpos.PaperEnd}},
		{[]byte{0x18, 0x00, 0x00, 0x00}, escpos.Status{Paper: escpos.PaperOK, Error: escpos.ErrorOffline}},
	}
	for _, tt := range tests {
		got, err := escpos.ParseASB(tt.block)
		if err != nil {
			t.Fatalf("% x: %v", tt.block, err)
		}
		tt.want.Raw, tt.want.ASB = tt.block, true
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("% x: got %+v, want %+v", tt.block, got, tt.want)
		}
	}
	for _, bad := range [][]byte{{0x12, 0, 0, 0}, {0x10, 0x10, 0, 0}, {0x10, 0, 0x80, 0}, {0x10, 0, 0}} {
		if _, err := escpos.ParseASB(bad); !errors.Is(err, escpos.ErrBadStatus) {
			t.Errorf("ParseASB(% x) err = %v", bad, err)
		}
	}
}

// No byte can be both a DLE EOT answer and the start of a status block.
func TestStatusAndASBDisjoint(t *testing.T) {
	for b := 0; b < 256; b++ {
		if escpos.IsStatusByte(byte(b)) && escpos.IsASBStart(byte(b)) {
			t.Errorf("0x%02x is both", b)
		}
	}
}

func TestMessageKey(t *testing.T) {
	st, _ := escpos.ParseStatus([]byte{0x1a, 0x32, 0x12, 0x7e})
	tests := map[error]string{
		nil:                     "",
		st.Err():                "printer.paper_out",
		escpos.ErrCoverOpen:     "printer.cover_open",
		escpos.ErrNoAnswer:      "printer.offline",
		escpos.ErrCutter:        "printer.hw_error",
		escpos.ErrQRTooLong:     "printer.bad_receipt",
		errors.New("something"): "printer.error",
	}
	for err, want := range tests {
		if got := escpos.MessageKey(err); got != want {
			t.Errorf("MessageKey(%v) = %q, want %q", err, got, want)
		}
	}
}
