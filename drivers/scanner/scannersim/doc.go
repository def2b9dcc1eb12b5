// Package scannersim simulates a serial 2D scan engine, the fake that speaks the real
// protocol of taxkiosk/drivers/scanner (PROTOCOLS.md section 3): each code goes out followed
// by the configured suffix; in command-trigger mode the engine reads only after the vendor's
// trigger command and ends its session at the first decode, so a code presented while the
// engine is idle is held until the next trigger.
//
// Faults for tests and demos: line noise without a suffix (Garbage), an overlong code
// (Overlong), a code split across writes with a pause (ScanSplit), and any raw bytes
// (WriteRaw). Unplugging is closing the pseudo-terminal made by OpenPty.
//
// Run stops at its context's deadline when the port has SetReadDeadline (an *os.File on a
// pty master has); on other ports it stops when the port's Read fails, e.g. after Close.
package scannersim
