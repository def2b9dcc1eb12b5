package idcard

// Sizes of the read answers' data (after SW3, before CHK): the length words, the 256-byte
// text and the 1024-byte photo, and for 30 10 the fingerprint (none or 1024 bytes).
const (
	photoLen       = 1024
	fingerLen      = 1024
	readBaseData   = 2 + 2 + TextLen + photoLen // 1284: the 1295-byte frame of 30 01
	readFingerData = readBaseData + 2           // 30 10 without a fingerprint
)

// Padding that vendors append to find and select answers. CVR-100 and SS628 modules (the
// Android CardInfo serial class copied by many public projects) answer find with 9F and
// four zero bytes and select with 90 and eight zero bytes; other modules send the bare
// status. Both are accepted, whatever the padding holds: the driver must not depend on one
// vendor's padding, and no other answer to these commands has four or eight data bytes.
const (
	findPadding   = 4
	selectPadding = 8
)

const (
	sw3NoCard       = 0x80
	sw3SelectFailed = 0x81
)

// answerFits tells whether resp can be the answer to cmd/para at all. An answer that cannot
// is the late answer to an earlier request (a find's "80" arriving while select waits, a
// select's bare "90" while the text+photo read waits) and must not be taken for this one.
// Error codes carry no data for any command (every public capture: 80 84, 81 85, 41 45);
// success carries exactly the data the command defines, with or without the vendor's
// padding (above), and only find answers 9F.
func answerFits(cmd, para byte, resp *Response) bool {
	n := len(resp.Data)
	// 80 is find's "no card" and 81 select's (GA 467): each is foreign to the other command,
	// and a find's late 80 taken for select's answer would report a card on the reader as
	// lifted.
	switch {
	case cmd == CmdCard && para == ParaFind && resp.SW3 == sw3SelectFailed,
		cmd == CmdCard && para == ParaSelect && resp.SW3 == sw3NoCard:
		return false
	}
	found := resp.SW3 == SW3CardFound
	if resp.SW3 != SW3Success && !found {
		return n == 0
	}
	if cmd == CmdCard && para == ParaFind {
		return found && (n == 0 || n == findPadding)
	}
	if found {
		return false
	}
	switch {
	case cmd == CmdCard && para == ParaSelect:
		return n == 0 || n == selectPadding
	case cmd == CmdRead && para == ParaReadBase:
		return n == readBaseData
	case cmd == CmdRead && para == ParaReadFinger:
		return n == readFingerData || n == readFingerData+fingerLen
	case cmd == CmdRead && para == ParaReadAppended:
		return n > 0 && n%2 == 0 // UCS-2 text of whatever length; none is SW3 91
	case cmd == CmdSAMID:
		return n == SAMIDLen
	case cmd == CmdResetSAM, cmd == CmdSAMStatus, cmd == CmdSetBaud:
		return n == 0
	}
	return true
}
