package idcardsim

import "errors"

// ErrNoPersona: Opts.Persona names no persona of Personas.
var ErrNoPersona = errors.New("idcardsim: no such persona")
