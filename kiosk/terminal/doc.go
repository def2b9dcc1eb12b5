// Package terminal assembles one kiosk from its configuration: the device drivers on their
// serial lines, the sealed outbox, the printer journal, the sync loop to the hall, the front
// desk (kiosk/desk) and the technician's menu (kiosk/techmenu), in the order that lets each
// report the one before it as the cause when it cannot start. The kiosk binary and the
// end-to-end tests build a kiosk the same way, through Open; Start runs its loops (sync,
// desk, scans, control socket, purge) until Close.
//
// A Terminal hands out what its callers drive, not its parts: Desk for the taxpayer screens,
// Menu for the maintenance pages and the control socket, NetState and Link for the network
// indicator, Records for what the kiosk holds. Scanned codes go to a scanner self-test
// waiting in the menu (techmenu.Menu.TakeScan), else to the scan service.
//
// Devices that are absent at start are not an error: their lines reopen by themselves when
// the device appears, and the desk reports them unavailable meanwhile. Storage that cannot
// open is an error: a kiosk that cannot keep transactions must not accept any.
//
// The enterprise cache (kiosk/entcache) opens beside the outbox; a damaged cache file is
// logged and the kiosk runs without it, since it only spares taxpayers typing a credit code
// offline.
package terminal
