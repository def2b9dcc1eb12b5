package staffweb

import "errors"

var (
	// ErrConfig: New was given Opts it cannot work with (no store, a bad catalogue).
	ErrConfig = errors.New("staffweb: configuration")
	// ErrTemplate: a page's template is missing or does not parse.
	ErrTemplate = errors.New("staffweb: template")
)
