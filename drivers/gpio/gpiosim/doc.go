// Package gpiosim provides simulated GPIO pins for the kiosk's demo mode and tests: each Pin
// implements periph.io/x/conn/v3/gpio.PinIO, its input level is set from outside with Set,
// and a level change signals an edge to WaitForEdge, as a kernel GPIO line does.
//
// periph's own gpiotest.Pin was the first choice, but it needs github.com/jonboulle/clockwork,
// which this module does not require, its WaitForEdge reports the level pushed into a
// channel rather than a level set on the pin, and it sets its clock without a lock.
//
// Edges coalesce: several level changes between two WaitForEdge calls are one pending edge,
// which periph documents as allowed. WaitForEdge(-1) waits until an edge or Halt.
package gpiosim
