// Package config is the kiosk's configuration: which serial ports and GPIO pins its devices
// hang on, where the hall server is, where its data lives, and its timeouts. It is one JSON
// file (kiosk.json in the data directory unless --config names another); every field has a
// default, so an empty file is a valid configuration for the demo.
//
// Validate checks a configuration before it is used or saved; the kiosk refuses to start
// with an invalid one and says which field is wrong: baud rates from the standard set, serial
// ports as absolute paths and no two devices on one, GPIO pin names distinct, the hall URL an
// http(s) URL with a host, timeouts and limits in sane ranges, paper 58 or 80 mm.
//
// The technician's menu edits a fixed list of settings (Keys, Settings) by their JSON path,
// as text: Config.With parses and validates one change on a copy and refuses it with a
// *SettingError carrying a catalogue key (maint.config.bad_value, maint.config.unknown_key)
// and the technical detail. Edit applies a change to the file, not to a running copy, saves it
// atomically (temporary file, fsync, rename, directory fsync; mode 0600) and appends it to the
// change log (DATA/config-changes.jsonl, one JSON line per change, 0600). The PIN hashes, the
// data directory and the key and certificate paths are not editable from the menu.
//
// Nothing here waits on hardware or network, so no call takes a context.
package config
