// Package config is the kiosk's configuration: which serial ports and GPIO pins its devices
// hang on, where the hall server is, where its data lives, and its timeouts. It is one JSON
// file (kiosk.json in the data directory unless --config names another); every field has a
// default, so an empty file is a valid configuration for the demo.
//
// Validate checks a configuration before it is used or saved; the kiosk refuses to start
// with an invalid one and says which field is wrong.
package config
