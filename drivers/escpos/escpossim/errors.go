package escpossim

import "errors"

// Errors returned for bad settings, wrapped with the value given. Test with errors.Is.
var (
	ErrBadFault = errors.New("escpossim: bad fault")
	ErrBadState = errors.New("escpossim: bad state")
)
