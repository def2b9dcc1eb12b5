package netsim

import "errors"

// ErrClosed: the proxy was closed.
var ErrClosed = errors.New("netsim: proxy closed")
