// Package simpanel is the demo's second window: the simulator control panel. A developer,
// trainer or reviewer places and lifts test ID cards, scans sample codes, runs the printer
// out of paper or opens its cover, reads the receipts the simulated printer produced, and
// cuts and restores the kiosk's network link, all while the kiosk runs unchanged beside it.
package simpanel
