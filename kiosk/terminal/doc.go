// Package terminal assembles one kiosk from its configuration: the device drivers on their
// serial lines, the sealed outbox, the sync loop to the hall and the front desk, in the order
// that lets each report the one before it as the cause when it cannot start. The kiosk
// binary and the end-to-end tests build a kiosk the same way, through Open.
//
// Devices that are absent at start are not an error: their lines reopen by themselves when
// the device appears, and the desk reports them unavailable meanwhile. Storage that cannot
// open is an error: a kiosk that cannot keep transactions must not accept any.
//
// The technician's side (technician.go) is what the maintenance screens and kioskctl (over
// the control socket) drive beyond the desk: device self-tests, the cabinet's lines, the
// network check (kiosk/netcheck), settings saved to the configuration file with a change log
// (kiosk/config), the masked log tail (kiosk/logring), the paper counter kept in the printer
// journal, and exports of the queue to a USB stick. Every action is an audit transaction for
// the hall, without personal data.
//
// The card and scanner self-tests run only in maintenance, when the desk leaves those
// devices alone: the card test polls the reader for up to 5 s, and the scanner test takes the
// next code from the scan loop (instead of the desk) for up to 15 s; a context that ends
// sooner ends the wait. The printer is wrapped so that every job printed, from the desk or
// the menu, advances the paper counter, and the first near-end on a roll teaches it how many
// receipts a roll gives.
//
// The enterprise cache (kiosk/entcache) opens beside the outbox; a damaged cache file is
// logged and the kiosk runs without it, since it only spares taxpayers typing a credit code
// offline.
//
// Caveat: switching the tower light from the menu lasts until the desk next changes what the
// light should show (leaving maintenance, a help call, the door, going out of service).
package terminal
