// Package device is the one status model every driver reports, after CEN/XFS, XFS4IoT
// (CommonSchemas, PrinterSchemas) and UnifiedPOS: a device state, the state of its media and
// paper supplies, the cover, the last error with the device's own code, identity and counters.
// The kiosk core supervises devices only through this model, never through driver types.
package device
