package policy

import "errors"

// ErrInvalid: a policy in the configuration is not valid; the error names the field.
var ErrInvalid = errors.New("policy: invalid")
