package tech

import "time"

// Firmware is the firmware's state as the technician's board and `kioskctl status` show it:
// the running version, a version on trial or waiting for the idle moment, and the last steps
// of updates (downloaded, verified, switched, healthy, rolled back, refused with the reason).
type Firmware struct {
	// Sequence is the running version's sequence; 0 is the packaged firmware.
	Sequence uint64 `json:"sequence"`
	// Trial is set while the running version has not yet proved itself; TrialUntil is when
	// it is rolled back if it has not.
	Trial      bool      `json:"trial,omitempty"`
	TrialUntil time.Time `json:"trial_until,omitzero"`
	// Pending is an installed version waiting for the idle moment to be switched to; 0: none.
	Pending uint64         `json:"pending,omitempty"`
	Steps   []FirmwareStep `json:"steps,omitempty"` // the last steps, oldest first
}

// FirmwareStep is one step of an update.
type FirmwareStep struct {
	At       time.Time `json:"at"`
	Step     string    `json:"step"` // downloaded, verified, refused, switched, healthy, rolled_back, recovered, superseded
	Sequence uint64    `json:"sequence,omitempty"`
	Version  string    `json:"version,omitempty"`
	Reason   string    `json:"reason,omitempty"` // why refused or rolled back
	Detail   string    `json:"detail,omitempty"` // where a bundle came from, its size
}
