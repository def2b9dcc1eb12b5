package jsontime

import "errors"

// ErrNotString: a duration in JSON was not a string (a bare number is refused rather than
// guessed at: 60 could mean seconds or nanoseconds).
var ErrNotString = errors.New("jsontime: a duration must be a string like \"60s\"")
