package gpio

import "errors"

var (
	// ErrPin: a pin refused to be configured or driven; the message names the pin.
	ErrPin = errors.New("gpio: pin failed")
	// ErrNoPin: the host has no pin by the configured name.
	ErrNoPin = errors.New("gpio: no such pin")
	// ErrHost: periph's host drivers failed to initialise.
	ErrHost = errors.New("gpio: host init failed")
	// ErrNotFitted: the output asked for has no pin in this kiosk.
	ErrNotFitted = errors.New("gpio: output not fitted")
	// ErrMode: an unknown tower light mode.
	ErrMode = errors.New("gpio: unknown tower light mode")
	// ErrHalted: the device was halted.
	ErrHalted = errors.New("gpio: halted")
)
