// Package terminal assembles one kiosk from its configuration: the device drivers on their
// serial lines, the sealed outbox, the sync loop to the hall and the front desk, in the order
// that lets each report the one before it as the cause when it cannot start. The kiosk
// binary and the end-to-end tests build a kiosk the same way, through Open.
//
// Devices that are absent at start are not an error: their lines reopen by themselves when
// the device appears, and the desk reports them unavailable meanwhile. Storage that cannot
// open is an error: a kiosk that cannot keep transactions must not accept any.
package terminal
