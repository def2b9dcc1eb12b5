// Package escpos drives the kiosk's ESC/POS receipt printer over a serial line: it lays
// out receipts (Document), turns them into printer commands (Render), reads the printer's
// real-time status (ParseStatus, Printer.Status) and prints jobs one at a time, refusing
// to start when the printer cannot finish and reporting a job cut short as reprintable
// (Printer.Print).
//
// It follows section 2 of the project's protocol notes, gathered from the Epson TM-T88III
// and TM-U220 manuals, the Citizen CT-S2000 / CT-S280 manuals, python-escpos and
// receiptline: ESC @, ESC E, ESC a, ESC d, GS !, FS & / FS . with 2-byte GB18030 text,
// GS ( k QR codes (model 2, error correction M), GS k 73 CODE128, GS V feed-and-cut, and
// the real-time DLE EOT 1..4 status bytes. Text is always sent as characters in the
// printer's font, never as an image: a receipt is about a tenth the bytes, and prints at
// the printer's full speed.
//
// Caveats:
//   - A character with only a 4-byte GB18030 form (rare name characters among them) does
//     not print on Chinese receipt printers: it becomes '?' or, with RenderOpts.Strict, the
//     render fails with ErrUnencodable. Error messages give only its byte offset, never the
//     character, as it may be part of a name.
//   - Width is counted as the printer counts it: a byte is one column, a 2-byte GB18030
//     character two. Ambiguous-width symbols such as '·' or '①' therefore take two.
//   - The automatic status back layout (GS a) follows Epson and is unconfirmed for other
//     makes; the driver does not enable it, only tolerates its blocks.
//   - The paper_mm counter is an estimate from lines fed at 1/6 inch, QR symbol size and
//     a 15 mm cutter distance.
//   - Printers answer DLE EOT at once, but print what is buffered later: a paper end met
//     after the last status check of a job is seen by the next Status or Print.
//
// Deadlines: every call that waits on the printer takes a context. Each status byte is
// also bounded by Opts.StatusTimeout; a printer silent that long gives ErrNoAnswer. When the
// context ends, the call returns the context's error at the next port read timeout
// (100 ms with serialport defaults); a job stopped that way is JobFailed and Reprintable,
// and the paper may hold part of it.
package escpos
