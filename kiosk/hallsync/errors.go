package hallsync

import "errors"

var (
	// ErrRunning: Start was called on a Syncer that is already running.
	ErrRunning = errors.New("hallsync: already running")
	// ErrUnanswered: the hall's answer left out transactions of the batch; they were requeued.
	ErrUnanswered = errors.New("hallsync: hall did not answer for every transaction")
)
