package counter

import "errors"

var (
	// ErrNoSession is returned for a service call when no taxpayer has identified.
	ErrNoSession = errors.New("counter: no taxpayer session")
	// ErrNotAccepted wraps a storage failure: the transaction was not committed, so nothing
	// may report success.
	ErrNotAccepted = errors.New("counter: transaction not accepted")
)

// RefusedError: the offline policy, the storage's state or the service's own rules do not
// let this transaction be accepted now; ReasonKey says why and what to do, with Args (key,
// value pairs for the translation, e.g. "limit", "50000.00") where the words need figures.
type RefusedError struct {
	ReasonKey string
	Args      []any
}

func (e *RefusedError) Error() string { return "counter: not accepted now: " + e.ReasonKey }

// MessageKey names the translation of a service's error for the taxpayer's screen.
func MessageKey(err error) string {
	var r *RefusedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &r):
		return r.ReasonKey
	case errors.Is(err, ErrNoSession):
		return "error.no_session"
	case errors.Is(err, ErrNotAccepted):
		return "error.store_failed"
	}
	return "error.unexpected"
}
