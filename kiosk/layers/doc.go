// Package layers holds no code: its test keeps the tree's floors apart, reading the import
// graph with `go list`. From the bottom up:
//
//	drivers/...           device protocols and drivers/mask; import nothing of the kiosk
//	kiosk/jsontime, money, txn, mtls, policy, config
//	                      pure types and rules; configuration validation links no storage
//	                      (bbolt, kiosk/outbox)
//	kiosk/outbox, journal, hallapi, hallsync, desk, techmenu, terminal, control, ...
//	                      the kiosk; it reaches the hall only over the wire (hallapi) and
//	                      never links a hall package (kiosk/hall/...)
//	kiosk/hall/...        the reference hall server, which may use the kiosk's wire types
//	ui/...                screens over the desk's and the menu's interfaces
//	kiosk/cmd/...         main packages wiring the rest
//
// The test fails when an arrow points back: a driver importing the kiosk, a kiosk package
// linking the hall, validation linking bbolt, a second JSON duration type, the terminal
// exporting its parts as fields, or a kioskctl command dialling the socket itself.
package layers
