package control

import (
	"context"
	"fmt"

	"taxkiosk/kiosk/tech"
)

// Ops of firmware updates, answered only by a running kiosk (Kiosk.Firmware set).
const (
	OpUpdateApply  = "update.apply"  // File: a bundle the kiosk's user can read
	OpUpdateStatus = "update.status" // the firmware board
)

// Firmware is the running kiosk's update agent as the socket reaches it.
type Firmware interface {
	// Apply verifies and installs the bundle in file beside the running version; the kiosk
	// switches to it at its next idle moment. It returns the installed version's sequence.
	Apply(file string) (seq uint64, version string, err error)
	Board() tech.Firmware
}

// FirmwareApplied is the answer to OpUpdateApply.
type FirmwareApplied struct {
	Sequence uint64 `json:"sequence"`
	Version  string `json:"version,omitempty"`
}

// handleFirmware answers the update ops; ok is false for any other op.
func handleFirmware(h Handler, req Request) (resp Response, ok bool) {
	if req.Op != OpUpdateApply && req.Op != OpUpdateStatus {
		return Response{}, false
	}
	var f Firmware
	if k, isKiosk := h.(Kiosk); isKiosk {
		f = k.Firmware
	}
	if f == nil {
		return Response{Error: ErrNoTechnician.Error()}, true
	}
	if req.Op == OpUpdateStatus {
		b := f.Board()
		return Response{Firmware: &b}, true
	}
	if req.File == "" {
		return Response{Error: fmt.Errorf("%w: update.apply needs a file", ErrBadRequest).Error()}, true
	}
	seq, version, err := f.Apply(req.File)
	if err != nil {
		return Response{Error: err.Error()}, true
	}
	return Response{Applied: &FirmwareApplied{Sequence: seq, Version: version}}, true
}

// ApplyUpdate asks the running kiosk to install the bundle in file (which its user must be
// able to read).
func (c *Client) ApplyUpdate(ctx context.Context, file string) (FirmwareApplied, error) {
	resp, err := c.Call(ctx, Request{Op: OpUpdateApply, File: file})
	if err != nil {
		return FirmwareApplied{}, err
	}
	if resp.Applied == nil {
		return FirmwareApplied{}, fmt.Errorf("%w: no answer to update.apply", ErrBadRequest)
	}
	return *resp.Applied, nil
}

// FirmwareBoard asks the running kiosk for its firmware board.
func (c *Client) FirmwareBoard(ctx context.Context) (tech.Firmware, error) {
	resp, err := c.Call(ctx, Request{Op: OpUpdateStatus})
	if err != nil {
		return tech.Firmware{}, err
	}
	if resp.Firmware == nil {
		return tech.Firmware{}, fmt.Errorf("%w: no answer to update.status", ErrBadRequest)
	}
	return *resp.Firmware, nil
}
