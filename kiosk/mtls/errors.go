package mtls

import "errors"

// ErrFiles: the directory's files are missing, unreadable or do not fit together.
var ErrFiles = errors.New("mtls: bad certificate files")
