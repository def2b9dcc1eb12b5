package maint

import (
	"sync"
	"time"
)

// Lockout schedule.
const (
	FailuresPerLock = 5
	FirstLock       = time.Minute
	MaxLock         = 24 * time.Hour
)

// Lockout counts wrong PINs and says when entry is locked. Its zero value is ready.
type Lockout struct {
	mu       sync.Mutex
	failures int       // wrong PINs since the last right one
	until    time.Time // entry refused before this
}

// Wait is how long entry stays locked at now; zero means a PIN may be tried.
func (l *Lockout) Wait(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Before(l.until) {
		return l.until.Sub(now)
	}
	return 0
}

// Fail records a wrong PIN at now and returns the lock it started, if any.
func (l *Lockout) Fail(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures++
	if l.failures%FailuresPerLock != 0 {
		return 0
	}
	d := FirstLock
	for i := 1; i < l.failures/FailuresPerLock && d < MaxLock; i++ {
		d *= 2
	}
	d = min(d, MaxLock)
	l.until = now.Add(d)
	return d
}

// Succeed records a right PIN: the count starts again.
func (l *Lockout) Succeed() {
	l.mu.Lock()
	l.failures, l.until = 0, time.Time{}
	l.mu.Unlock()
}

// Failures is the count of wrong PINs since the last right one.
func (l *Lockout) Failures() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures
}
