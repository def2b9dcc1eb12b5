// Package serialport is the serial plumbing shared by every device driver: it opens a real
// tty (a USB-serial adapter, an on-board UART) or a pseudo-terminal through
// github.com/tarm/serial in 8N1 raw mode, and it creates pseudo-terminal pairs for the device
// simulators, so that a simulated device and a real one differ only in the path opened.
//
// Reads on a Port wait at most the port's read timeout (rounded up to the 0.1 s granularity
// of termios VTIME) and then return ErrTimeout, never (0, io.EOF): drivers loop on that and
// check their context, which is how a context deadline reaches a blocking read. A device
// that disappears (adapter unplugged, simulator gone) reads as ErrGone.
package serialport
