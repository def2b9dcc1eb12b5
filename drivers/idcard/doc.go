// Package idcard drives the resident ID-card readers of the kiosk: the GA 467 SAM module
// (CVR-100, SS628, DKQ-A16D, iDR210 and the like) on a serial line, 115200 8N1 by default.
// It reads second-generation resident cards, Hong Kong/Macau/Taiwan residence permits
// ("J") and foreigners' permanent residence cards (2017 "I" and 2023 "Y").
//
// The package has three layers, each usable alone:
//
//   - frame.go: the GA 467 frame codec, pure functions over bytes. Request
//     AA AA AA 96 69 | LEN | CMD PARA DATA | CHK, answer AA AA AA 96 69 | LEN | SW1 SW2 SW3
//     DATA | CHK, LEN big-endian counting everything after itself, CHK the XOR of LEN..DATA.
//     Every SW3 code of the standard is a sentinel error matched through *StatusError.
//   - text.go, idnumber.go, nation.go: the 256-byte UCS-2 text block of every card type,
//     the GB 3304 nation table and the GB 11643-1999 (ISO 7064 MOD 11-2) check digit.
//   - reader.go: Reader, which runs find (20 01), select (20 02) and read (30 01) over an
//     io.ReadWriter, retries garbled exchanges and keeps a device.Monitor named "idcard".
//
// The field offsets of all card types are kept in one table (layouts in text.go). The "Y"
// layout (2023 foreigner's card) comes from one public source only and is unconfirmed;
// its English name is split over two slots (52/70 and 220/22) and joined on reading, and it
// maps to card_type "foreign_permanent" with card_version "2023". The SAM ID print format
// (FormatSAMID) and the appended-address answer (30 03, taken as UCS-2 text) are
// unconfirmed as well.
//
// Presence: after a successful read, find answers 80 until the card is lifted and placed
// again, while select still answers 90 as long as the card lies there. Present uses exactly
// that rule; ReadCard on a card already read returns ErrNoCard.
//
// Personal data: Card.String, error strings and status messages never carry names, ID
// numbers or addresses unmasked; the photo (WLT, for which no open decoder exists) and the
// fingerprint are opaque bytes, excluded from JSON and never decoded or logged.
//
// Timeouts and the context: every command has its own timeout (Opts) and is sent again up to
// Opts.Retries times after no answer, a garbled frame or an SW3 of 10/11. When the context
// ends first, the call returns within one port read timeout (~100 ms on a serialport.Line):
// at its deadline with an error matching both ErrNoAnswer and context.DeadlineExceeded, on
// cancellation with context.Canceled.
//
// Late answers: a request that timed out, was cancelled or met a garbled frame may still be
// answered. The Reader counts such owed answers; before its next request it reads and
// discards frames until each owed answer came or the line stayed silent for that command's
// timeout, then until it was quiet for Opts.QuietGap (at most twice the timeout plus the gap
// in all), and only then flushes and sends. An answer is also checked against the command it
// should answer (shape.go, below); one that does not fit is a stale frame and is skipped. So
// a late "80" to find is never taken for select's answer, and a late select answer never for
// the text+photo block.
//
// Answer shapes and the public captures each rests on (../shared/PROTOCOLS.md §1):
//   - find, card present: 9F with four zero bytes (CVR-100/SS628, the Android CardInfo
//     serial class) or with none (modules without the padding, and idcardsim with
//     Opts.Bare); both accepted, the padding's content ignored.
//   - select, success: 90 with eight zero bytes (CVR-100/SS628 CardInfo) or with none; both
//     accepted.
//   - every error answer carries no data: find's 80 (80 84), select's 81 (81 85) and the
//     read's 41 (41 45) in the CardInfo captures. The other codes (10, 11, 21, 60...) are
//     held to the same rule: no public capture shows one with data. Only find answers 80
//     and 9F, only select 81.
//   - read text+photo (30 01): 1284 data bytes in a 1295-byte frame starting
//     AA AA AA 96 69 05 08 00 00 90 (CardInfo); 30 10 adds a length word and 0 or 1024
//     fingerprint bytes (the layout in PROTOCOLS.md; no capture of a 30 10 answer seen).
//   - SAM ID (12 FF): 16 data bytes (HslCommunication SAMSerial).
//   - appended address (30 03): UCS-2 text of any even length, 91 when there is none
//     (unconfirmed: no public capture shows one).
//
// An absent port (serialport.ErrNoDevice, ErrGone) is ErrNoDevice and the state no_device;
// later calls try again, since a serialport.Line reopens itself.
package idcard
