package idcard

// Sizes of the read answers' data (after SW3, before CHK): the length words, the 256-byte
// text and the 1024-byte photo, and for 30 10 the fingerprint (none or 1024 bytes).
const (
	photoLen       = 1024
	fingerLen      = 1024
	readBaseData   = 2 + 2 + TextLen + photoLen // 1284: the 1295-byte frame of 30 01
	readFingerData = readBaseData + 2           // 30 10 without a fingerprint
	// selectZeros: some modules append eight zero bytes to a successful select
	// (unconfirmed); nothing else answers with eight bytes, so accepting it costs nothing.
	selectZeros = 8
)

const (
	sw3NoCard       = 0x80
	sw3SelectFailed = 0x81
)

// answerFits tells whether resp can be the answer to cmd/para at all. An answer that cannot
// is the late answer to an earlier request (a find's "80" arriving while select waits, a
// select's bare "90" while the text+photo read waits) and must not be taken for this one.
// Error codes carry no data for any command; success carries exactly the data the command
// defines, and only find answers 9F.
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
		return found && n == 0
	}
	if found {
		return false
	}
	switch {
	case cmd == CmdCard && para == ParaSelect:
		return n == 0 || n == selectZeros
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
