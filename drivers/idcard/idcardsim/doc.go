// Package idcardsim is a GA 467 ID-card reader module in software: it reads request frames
// from the master side of a pseudo-terminal and answers like a real module, so the idcard
// driver is tested over a real tty, byte for byte, and the kiosk runs without hardware.
//
// By default it answers byte for byte as CVR-100 and SS628 modules do (../shared/PROTOCOLS.md):
// find with 9F and four zero bytes, select with 90 and eight; Opts.Bare leaves the padding
// out, as other vendors' modules do.
//
// It holds one card slot (Place, Lift, Holding) and follows the real presence rule: find
// answers 9F for a card placed and not read yet and 80 otherwise; select answers 90 while a
// card lies there and 81 when none does; a read (30 01, 30 10) marks the card read, so it
// must be lifted and placed again before find succeeds. A read or appended-address request
// without a card answers 41; 30 03 answers 91 when the card has no appended address.
//
// Timing: with Opts.Baud set, a request is taken to arrive after its wire time and the
// answer is released chunk by chunk when its bytes would have crossed the wire (10 bits per
// byte); between the two comes a scripted delay per command (Delays), which a benchmark
// subtracts. Faults (SetFault) inject the line and module failures the driver must survive;
// FaultLateOnce answers one chosen request after the driver's timeout, the case in which a
// late answer must not be taken for the answer to the retry or to the next command.
// ParseFault reads a fault by name, as a control panel or kioskctl takes it.
//
// Caveats: the photos of the personas are fixed opaque bytes, not WLT images; the SAM ID is a
// sample. Run ends at the context (returning its error) or when the port closes (nil).
package idcardsim
