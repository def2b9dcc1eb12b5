package idcardsim

import "errors"

var (
	// ErrNoPersona: Opts.Persona names no persona of Personas.
	ErrNoPersona = errors.New("idcardsim: no such persona")
	// ErrBadFault: ParseFault was given a fault it does not know.
	ErrBadFault = errors.New("idcardsim: bad fault")
)
