package desk

import (
	"sync"
	"time"
)

// liftWatch is what happens after the ID card leaves the reader mid-session: the screen
// asks whether to finish; the session ends by itself when nobody answers within the grace
// time; "go on" keeps it without the card. A card put back is not taken as an answer:
// it might be someone else's.
type liftWatch struct {
	mu      sync.Mutex
	askedAt time.Time
	kept    bool
}

type liftState int

const (
	liftNone    liftState = iota // the card lies on the reader
	liftAsked                    // lifted; the screen is asking
	liftExpired                  // lifted and unanswered for the grace time
	liftKept                     // lifted; the taxpayer chose to go on
)

func (l *liftWatch) state(now time.Time, grace time.Duration) liftState {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.kept:
		return liftKept
	case l.askedAt.IsZero():
		return liftNone
	case now.Sub(l.askedAt) >= grace:
		return liftExpired
	}
	return liftAsked
}

func (l *liftWatch) ask(now time.Time) {
	l.mu.Lock()
	l.askedAt = now
	l.mu.Unlock()
}

func (l *liftWatch) keep() {
	l.mu.Lock()
	if !l.askedAt.IsZero() {
		l.kept = true
	}
	l.mu.Unlock()
}

func (l *liftWatch) reset() {
	l.mu.Lock()
	l.askedAt, l.kept = time.Time{}, false
	l.mu.Unlock()
}
