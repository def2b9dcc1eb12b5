package idcard

import (
	"errors"
	"fmt"
)

// Status words the module answers with in SW3 (GA 467). Success and card-found are not errors.
const (
	SW3Success   byte = 0x90
	SW3CardFound byte = 0x9F
)

// Sentinels for every SW3 code in GA 467. A *StatusError matches its sentinel with errors.Is.
var (
	ErrChecksum         = errors.New("idcard: module saw a bad checksum")           // SW3 10
	ErrLength           = errors.New("idcard: module saw a bad length")             // SW3 11
	ErrBadCommand       = errors.New("idcard: module rejected the command")         // SW3 21
	ErrNotPermitted     = errors.New("idcard: command not permitted")               // SW3 23
	ErrUnknown          = errors.New("idcard: module reports an unknown error")     // SW3 24
	ErrCardAuthSAM      = errors.New("idcard: card failed to authenticate the SAM") // SW3 31
	ErrSAMAuthCard      = errors.New("idcard: SAM failed to authenticate the card") // SW3 32
	ErrVerify           = errors.New("idcard: verification error")                  // SW3 33
	ErrUnknownCardType  = errors.New("idcard: unknown card type")                   // SW3 40
	ErrReadFailed       = errors.New("idcard: card read failed")                    // SW3 41
	ErrRandom           = errors.New("idcard: random number failed")                // SW3 47
	ErrSAMSelfTest      = errors.New("idcard: SAM self-test failed")                // SW3 60
	ErrSAMNotAuthorised = errors.New("idcard: SAM not authorised")                  // SW3 66
	ErrNoCard           = errors.New("idcard: no card found")                       // SW3 80
	ErrSelectFailed     = errors.New("idcard: select card failed")                  // SW3 81
	ErrNoContent        = errors.New("idcard: no content")                          // SW3 91
	ErrUnknownStatus    = errors.New("idcard: status code not in GA 467")           // any other SW3
)

// Sentinels for what the driver itself detects.
var (
	// ErrNoAnswer: the module sent no complete frame before the command's timeout.
	ErrNoAnswer = errors.New("idcard: no answer from reader")
	// ErrNoDevice: the serial port is absent (unplugged, not configured).
	ErrNoDevice = errors.New("idcard: reader not connected")
	// ErrCardLifted: the card left the reader while it was being read.
	ErrCardLifted = errors.New("idcard: card lifted during read")
	// ErrFrame: the bytes on the line did not form a valid frame (no preamble, bad length).
	ErrFrame = errors.New("idcard: bad frame")
	// ErrFrameChecksum: a frame arrived whose CHK does not match its bytes.
	ErrFrameChecksum = errors.New("idcard: frame checksum mismatch")
	// ErrBadText: the text block does not decode as a known card layout.
	ErrBadText = errors.New("idcard: bad text block")
	// ErrBadIDNumber: an ID number is malformed or fails its check digit.
	ErrBadIDNumber = errors.New("idcard: bad ID number")
	// ErrBadBaud: SetBaud was asked for a speed GA 467 does not define.
	ErrBadBaud = errors.New("idcard: unsupported baud rate")
	// ErrClosed: the Reader was closed.
	ErrClosed = errors.New("idcard: reader closed")

	// errSilent marks the command's own timeout inside an exchange, as opposed to the
	// caller's context; callers see ErrNoAnswer.
	errSilent = errors.New("idcard: silent until the command timeout")
)

// sw3Sentinel is the whole GA 467 SW3 table in one place.
func sw3Sentinel(sw3 byte) error {
	switch sw3 {
	case 0x10:
		return ErrChecksum
	case 0x11:
		return ErrLength
	case 0x21:
		return ErrBadCommand
	case 0x23:
		return ErrNotPermitted
	case 0x24:
		return ErrUnknown
	case 0x31:
		return ErrCardAuthSAM
	case 0x32:
		return ErrSAMAuthCard
	case 0x33:
		return ErrVerify
	case 0x40:
		return ErrUnknownCardType
	case 0x41:
		return ErrReadFailed
	case 0x47:
		return ErrRandom
	case 0x60:
		return ErrSAMSelfTest
	case 0x66:
		return ErrSAMNotAuthorised
	case 0x80:
		return ErrNoCard
	case 0x81:
		return ErrSelectFailed
	case 0x91:
		return ErrNoContent
	}
	return ErrUnknownStatus
}

// StatusError is an answer whose SW3 is not success. It carries the module's own code.
type StatusError struct {
	Cmd, Para byte // the command that was answered
	SW3       byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%v (SW3=%02X, command %02X %02X)", e.sentinel(), e.SW3, e.Cmd, e.Para)
}

func (e *StatusError) sentinel() error {
	return sw3Sentinel(e.SW3)
}

// Is makes errors.Is(err, ErrNoCard) true for SW3 80, and so on for the whole table.
func (e *StatusError) Is(target error) bool { return target == e.sentinel() }

// VendorCode is the code as device.Error carries it, e.g. "SW3=80".
func (e *StatusError) VendorCode() string { return fmt.Sprintf("SW3=%02X", e.SW3) }

// statusError returns nil for the two success codes and a *StatusError otherwise.
func statusError(cmd, para, sw3 byte) error {
	if sw3 == SW3Success || sw3 == SW3CardFound {
		return nil
	}
	return &StatusError{Cmd: cmd, Para: para, SW3: sw3}
}

// samFault tells which codes mean the reader itself needs a technician.
func samFault(err error) bool {
	return errors.Is(err, ErrSAMSelfTest) || errors.Is(err, ErrSAMNotAuthorised)
}

// Notice is what a taxpayer should be told about an error: a key the UI translates, and
// short default texts in plain Chinese and English for the translation files.
type Notice struct {
	Key string
	ZH  string
	EN  string
}

type noticeRule struct {
	match []error
	n     Notice
}

// noticeRules is a function, not a variable, so that no caller can change the mapping.
func noticeRules() []noticeRule {
	// First match wins: a lifted card also carries the module's "no card" code.
	return []noticeRule{
		{[]error{ErrCardLifted}, Notice{"idcard.card_lifted", "读卡时请勿移动证件，请重新放置", "Please keep the card still while it is read, and place it again."}},
		{[]error{ErrNoCard, ErrSelectFailed}, Notice{"idcard.no_card", "请将身份证放在读卡区", "Please place your ID card on the reader."}},
		{[]error{ErrReadFailed, ErrRandom, ErrVerify, ErrCardAuthSAM, ErrSAMAuthCard, ErrNoContent}, Notice{"idcard.read_failed", "证件读取失败，请重新放置", "The card could not be read. Please place it again."}},
		{[]error{ErrUnknownCardType, ErrBadText, ErrBadIDNumber}, Notice{"idcard.unsupported_card", "无法识别此证件，请咨询工作人员", "This card is not recognised. Please ask the staff."}},
		{[]error{ErrSAMSelfTest, ErrSAMNotAuthorised}, Notice{"idcard.sam_fault", "读卡器故障，请咨询工作人员", "The card reader is out of order. Please ask the staff."}},
		{[]error{ErrNoDevice, ErrNoAnswer, ErrClosed}, Notice{"idcard.reader_offline", "读卡器暂不可用，请咨询工作人员", "The card reader is not available. Please ask the staff."}},
	}
}

func noticeRetry() Notice {
	return Notice{"idcard.retry", "读卡未成功，请稍后重试", "Reading did not succeed. Please try again."}
}

// NoticeFor maps any error from this package to the message a taxpayer should see. Errors it
// does not know (a transient line fault, a cancelled context) ask the taxpayer to try again.
func NoticeFor(err error) Notice {
	for _, e := range noticeRules() {
		for _, m := range e.match {
			if errors.Is(err, m) {
				return e.n
			}
		}
	}
	return noticeRetry()
}

// Notices lists every Notice NoticeFor can return, for building translation files.
func Notices() []Notice {
	out := make([]Notice, 0, 8)
	for _, e := range noticeRules() {
		out = append(out, e.n)
	}
	return append(out, noticeRetry())
}
