// Package scanner drives the kiosk's serial 2D code reader, which taxpayers use to present
// VAT invoices and the receipts the kiosk printed, and parses what it reads.
//
// The engine sends each decoded code followed by a configurable suffix (CR, CRLF or LF) and
// reads either continuously (presentation mode), while a GPIO trigger pin is held, or after a
// vendor serial command; the commands come from configuration (PROTOCOLS.md section 3).
//
// Parse is pure and apart from the transport. A VAT invoice QR code is comma separated:
// version "01", type code, invoice code, number, amount, date, check code and a short hex
// value, after GitHub1he/QrToInvoice. Parse normalises the amount in integer fen and reports
// what is wrong with an invoice as machine codes in Invoice.Problems rather than failing.
//
// Caveats:
//   - Which field 5 carries on 数电 invoices (pre-tax or tax-inclusive total) and what field 8
//     means are unconfirmed; both are passed through unjudged.
//   - Type 20 (电子专票) in QR codes is unconfirmed. Types 51 and 61 (railway and air
//     e-tickets) are treated as 数电: no invoice code, 20-digit number.
//   - Special invoices (专票 01, 02, 20, vehicle invoices 03, 15 and all 数电 types) may omit
//     the check code; ordinary ones (04, 10, 11, 14) must carry 20 digits.
//   - Bytes that are not valid UTF-8 are decoded as GB18030; no engine setting is trusted.
//   - With the zero Suffix, CR and LF both end a code, so a code cannot carry either.
//   - Raw is whatever the taxpayer held up, possibly an ID or a personal QR code: Code.String
//     shows it only for recognised invoices and receipts, and errors never contain it.
//
// Deadlines: Next and Run return at their context's deadline within one port read timeout
// (serialport's default 100 ms). The error wraps the context's error, and ErrNoDevice too when
// the port was absent meanwhile. A trigger session started by Next or Run is ended on return.
package scanner
