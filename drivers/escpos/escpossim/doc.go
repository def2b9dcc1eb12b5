// Package escpossim is a simulated ESC/POS receipt printer for tests, demos and
// `kioskctl sim printer`. It sits on the master side of a pseudo-terminal (or any
// io.ReadWriter) and reads the byte stream the way a printer does, so that the driver under
// test talks to it exactly as it would to hardware.
//
// It follows section 2 of the project's protocol notes (Epson TM-T88III and Citizen
// CT-S2000 manuals): ESC @, ESC E, ESC a, ESC d, ESC !, GS !, FS & / FS . (Chinese mode,
// 2-byte GB18030), GS ( k for QR model 2 (store and print), GS k for barcodes, GS v 0 raster
// images, GS V cuts, GS a automatic status back, and the real-time DLE EOT 1..4 status
// queries, answered as soon as they are read, even mid-job and while offline, with the bit
// layout of the notes (idle 0x12).
//
// What is printed is kept as plain text: each cut closes a Receipt whose Text has one line
// per printed line, centred lines padded as on paper, and "[QR: data]" and
// "[CODE128: data]" lines for codes. Commands it does not know are skipped the way an
// Epson printer skips them (the command bytes, not the following data) and listed by
// Unknown, so tests notice them.
//
// Faults: silent (no status answers), garbage (status answers with the fixed bits wrong),
// paper out after N job bytes (the rest of the job is discarded, as a printer at paper end
// does, and what was printed is kept as an uncut Receipt), cover open after N job bytes (the
// same, with the cover open instead), and slow (status answers delayed).
// While the paper is out, the cover open or the printer offline, job bytes are read and
// discarded.
//
// It starts with Chinese mode off, as Epson models do (many Chinese models start with it
// on); the escpos driver selects the mode at the start of every job either way.
//
// Caveat: it is a model of the protocol, not of one vendor's firmware; print timing, buffer
// sizes and vendor extensions are not simulated. Run stops at its context deadline within
// about 100 ms when the port supports read deadlines (a pty master does); otherwise
// closing the port stops it.
package escpossim
