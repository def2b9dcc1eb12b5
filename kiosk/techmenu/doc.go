// Package techmenu is the technician's maintenance menu as the running kiosk carries it out:
// device self-tests, the cabinet's lines, the network check (kiosk/netcheck), settings saved
// to the configuration file with a change log (kiosk/config), the masked log tail
// (kiosk/logring), the paper counter kept in the printer journal, the opening checklist and
// exports of the queue to a USB stick. *Menu implements tech.Menu, which the maintenance
// screens and kioskctl (over the control socket, kiosk/control) both reach. Every action is
// an audit transaction for the hall, without personal data.
//
// The menu is handed the kiosk's parts (Parts) by kiosk/terminal, which assembles them; it
// knows each through a small interface, so its logic is tested with in-process fakes and a
// real bbolt outbox and journal.
//
// The card and scanner self-tests run only in maintenance, when the desk leaves those
// devices alone: the card test reads a card already on the reader at once, else polls the
// reader for up to 20 s (Opts.CardWait, DefaultCardWait), and the scanner test takes the
// next code from the scan loop (TakeScan, called before the desk gets a code) for up to
// 15 s (Opts.ScanWait); a context that ends sooner ends the wait.
// PaperCounter wraps the printer so that every job printed, from the desk or the menu,
// advances the paper counter, and the first near-end on a roll teaches it how many receipts
// a roll gives.
//
// Caveat: switching the tower light from the menu lasts until the desk next changes what the
// light should show (leaving maintenance, a help call, the door, going out of service).
package techmenu
