package gpiosim

import "errors"

// ErrNoEdges is returned by In for an edge mode on a pin made with NewPinNoEdges.
var ErrNoEdges = errors.New("gpiosim: pin has no edge detection")
