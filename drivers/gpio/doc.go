// Package gpio drives the kiosk's digital I/O through periph.io/x/conn/v3/gpio: the
// presence sensor that wakes the screen, the cabinet door switch (tamper), the help button,
// the tower light and optional indicator lights. These are the kiosk-level auxiliaries of
// XFS4IoT (PROTOCOLS.md section 5); the status is a device.Monitor named "gpio", with the
// door reported as CoverOpen.
//
// Pins are handed in as gpio.PinIO values, so the package runs on simulated pins
// (taxkiosk/drivers/gpio/gpiosim) as well as on real ones, which main resolves by name with
// OpenHostPins. Any pin may be nil: that input or output is not fitted.
//
// Inputs are debounced: a level must hold for Opts.Debounce before it becomes an Event, so a
// bounce shorter than that produces none. Pins with edge detection are waited on
// (WaitForEdge); pins without it are polled every Opts.Poll. Events report changes only: the
// state at start-up is read with Inputs. If the consumer falls behind, the oldest queued
// events are dropped (counter "events_dropped"); Inputs always has the current state.
//
// Caveats: "active" means door open, person present, button pressed; wiring decides the
// level, so every pin has an active-low flag. Active-low inputs get the internal pull-up,
// active-high ones the pull-down, where the SoC allows. OpenHostPins goes through periph's
// host.Init and gpioreg, which keep process-wide registries; only main should call it.
// Debouncing runs on the real monotonic clock; Opts.Now only stamps events and status.
//
// Deadlines: reading and driving pins does not wait on hardware; Inputs checks its context
// only so that callers treat it like every other device call. Halt returns after every
// goroutine the package started has ended, within one idle wait (250 ms) or poll interval.
package gpio
