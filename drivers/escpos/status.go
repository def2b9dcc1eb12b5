package escpos

import (
	"fmt"
	"strings"
)

// PaperLevel is the roll paper state. Its strings are a contract with kioskctl and the
// maintenance screen.
type PaperLevel string

const (
	PaperOK      PaperLevel = "ok"
	PaperNearEnd PaperLevel = "near_end"
	PaperEnd     PaperLevel = "end"
)

// Error causes reported in Status.Error.
const (
	ErrorNone            = ""
	ErrorAutocutter      = "autocutter"
	ErrorUnrecoverable   = "unrecoverable"
	ErrorAutoRecoverable = "auto_recoverable" // e.g. head overheat; clears by itself
	ErrorOffline         = "offline"          // offline for a cause the status bytes do not name
)

// Status is the printer's state as its status bytes tell it.
type Status struct {
	Online        bool       `json:"online"`
	Paper         PaperLevel `json:"paper"`
	CoverOpen     bool       `json:"cover_open"`
	Error         string     `json:"error,omitempty"`
	WaitingOnline bool       `json:"waiting_online"` // waiting for online recovery
	FeedButton    bool       `json:"feed_button"`    // pressed, or feeding by it
	// Raw holds the bytes parsed: the DLE EOT 1..4 answers, or an automatic status block.
	// VendorCode gives them as hex for logs.
	Raw []byte `json:"-"`
	// ASB is set when Raw is an automatic status back block rather than DLE EOT answers.
	ASB bool `json:"asb,omitempty"`
}

// Status byte layout (protocol notes section 2, Epson TM-T88III manual). Every DLE EOT
// answer has bits 1 and 4 set and bits 0 and 7 clear.
const (
	fixedMask = 0x93
	fixedDLE  = 0x12

	n1Offline    = 0x08
	n1Waiting    = 0x20
	n1FeedButton = 0x40

	n2Cover     = 0x04
	n2Feeding   = 0x08
	n2PaperStop = 0x20
	n2Error     = 0x40

	n3Cutter          = 0x08
	n3Unrecoverable   = 0x20
	n3AutoRecoverable = 0x40

	n4NearEnd = 0x0c
	n4End     = 0x60
)

// Automatic status back (GS a n) blocks are 4 bytes. The first byte has bit 4 set and bits
// 0, 1 and 7 clear, so it differs from any DLE EOT answer in bit 1; the other three have
// bits 4 and 7 clear. The bit meanings follow the Epson TM-T88 series manual
// (*unconfirmed* for Chinese clones) and live only here:
// byte 1: bit 3 offline, bit 5 cover open, bit 6 feed button; byte 2: bit 3 autocutter error,
// bit 5 unrecoverable, bit 6 auto-recoverable; byte 3: bits 0,1 near end, bits 2,3 paper end.
const (
	asbFirstMask  = 0x93
	asbFirst      = 0x10
	asbRestMask   = 0x90
	asbOffline    = 0x08
	asbCover      = 0x20
	asbFeedButton = 0x40
	asbCutter     = 0x08
	asbUnrecov    = 0x20
	asbAutoRecov  = 0x40
	asbNearEnd    = 0x03
	asbEnd        = 0x0c

	// ASBLen is the length of an automatic status back block.
	ASBLen = 4
)

// StatusQuery is the real-time status request DLE EOT n, n = 1..4; printers answer it at
// once with one byte, even offline and in the middle of a job.
func StatusQuery(n int) []byte { return []byte{dle, eot, byte(n)} }

// IsStatusByte reports whether b has the fixed bits of a DLE EOT answer.
func IsStatusByte(b byte) bool { return b&fixedMask == fixedDLE }

// IsASBStart reports whether b can start an automatic status back block.
func IsASBStart(b byte) bool { return b&asbFirstMask == asbFirst }

// ParseStatus decodes answers[i], the printer's answer to DLE EOT i+1, for one to four
// answers. A byte without the fixed bits is garbage and fails with ErrBadStatus.
func ParseStatus(answers []byte) (Status, error) {
	if len(answers) == 0 || len(answers) > 4 {
		return Status{}, fmt.Errorf("%w: %d answers (want 1..4)", ErrBadStatus, len(answers))
	}
	for i, b := range answers {
		if !IsStatusByte(b) {
			return Status{}, fmt.Errorf("%w: DLE EOT %d answered 0x%02x", ErrBadStatus, i+1, b)
		}
	}
	st := Status{Paper: PaperOK, Raw: append([]byte(nil), answers...)}
	n := func(i int) byte {
		if i < len(answers) {
			return answers[i]
		}
		return fixedDLE
	}
	b1, b2, b3, b4 := n(0), n(1), n(2), n(3)
	st.Online = b1&n1Offline == 0
	st.WaitingOnline = b1&n1Waiting != 0
	st.FeedButton = b1&n1FeedButton != 0 || b2&n2Feeding != 0
	st.CoverOpen = b2&n2Cover != 0
	switch {
	case b4&n4End != 0 || b2&n2PaperStop != 0:
		st.Paper = PaperEnd
	case b4&n4NearEnd != 0:
		st.Paper = PaperNearEnd
	}
	st.Error = errorCause(b3&n3Unrecoverable != 0, b3&n3Cutter != 0, b3&n3AutoRecoverable != 0)
	if st.Error == ErrorNone && (b2&n2Error != 0 || !st.Online && !st.CoverOpen && st.Paper != PaperEnd && !st.FeedButton) {
		st.Error = ErrorOffline
	}
	return st, nil
}

// ParseASB decodes one automatic status back block.
func ParseASB(b []byte) (Status, error) {
	if len(b) != ASBLen {
		return Status{}, fmt.Errorf("%w: status block of %d bytes (want %d)", ErrBadStatus, len(b), ASBLen)
	}
	if !IsASBStart(b[0]) || b[1]&asbRestMask != 0 || b[2]&asbRestMask != 0 || b[3]&asbRestMask != 0 {
		return Status{}, fmt.Errorf("%w: status block % x", ErrBadStatus, b)
	}
	st := Status{Paper: PaperOK, Raw: append([]byte(nil), b...), ASB: true}
	st.Online = b[0]&asbOffline == 0
	st.CoverOpen = b[0]&asbCover != 0
	st.FeedButton = b[0]&asbFeedButton != 0
	switch {
	case b[2]&asbEnd != 0:
		st.Paper = PaperEnd
	case b[2]&asbNearEnd != 0:
		st.Paper = PaperNearEnd
	}
	st.Error = errorCause(b[1]&asbUnrecov != 0, b[1]&asbCutter != 0, b[1]&asbAutoRecov != 0)
	if st.Error == ErrorNone && !st.Online && !st.CoverOpen && st.Paper != PaperEnd && !st.FeedButton {
		st.Error = ErrorOffline
	}
	return st, nil
}

// errorCause picks the most serious cause when several are reported.
func errorCause(unrecoverable, cutter, auto bool) string {
	switch {
	case unrecoverable:
		return ErrorUnrecoverable
	case cutter:
		return ErrorAutocutter
	case auto:
		return ErrorAutoRecoverable
	}
	return ErrorNone
}

// Err is why the printer cannot print now, as one of the package's sentinels carrying the
// raw status bytes, or nil when it can. Paper near end is not an error.
func (s Status) Err() error {
	var sentinel error
	switch {
	case s.Error == ErrorUnrecoverable:
		sentinel = ErrUnrecoverable
	case s.Error == ErrorAutocutter:
		sentinel = ErrCutter
	case s.Paper == PaperEnd:
		sentinel = ErrPaperOut
	case s.CoverOpen:
		sentinel = ErrCoverOpen
	case !s.Online || s.Error != ErrorNone:
		sentinel = ErrOffline
	default:
		return nil
	}
	return fmt.Errorf("%w (%s)", sentinel, s.VendorCode())
}

// VendorCode is the raw status as the printer sent it, e.g. "DLE EOT 1-4: 12 12 12 12".
func (s Status) VendorCode() string {
	if s.ASB {
		return fmt.Sprintf("ASB: % x", s.Raw)
	}
	return fmt.Sprintf("DLE EOT 1-%d: % x", len(s.Raw), s.Raw)
}

func (s Status) String() string {
	parts := []string{"offline"}
	if s.Online {
		parts[0] = "online"
	}
	parts = append(parts, "paper="+string(s.Paper))
	if s.CoverOpen {
		parts = append(parts, "cover=open")
	}
	if s.Error != ErrorNone {
		parts = append(parts, "error="+s.Error)
	}
	if s.WaitingOnline {
		parts = append(parts, "waiting_online")
	}
	if s.FeedButton {
		parts = append(parts, "feed_button")
	}
	return strings.Join(parts, " ")
}
