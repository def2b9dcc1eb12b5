package boltstore

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// groupCommit commits the writes of concurrent callers in one bbolt transaction, so a
// thousand kiosks posting at once cost a few fsyncs instead of a thousand. Unlike bolt's
// db.Batch it never waits for company: a caller that finds no commit in progress commits at
// once, and the callers that arrive while a commit is being written form the next group.
// Every caller returns only after the commit that holds its write.
type groupCommit struct {
	mu      sync.Mutex // guards pending
	pending []*groupCall
	commit  sync.Mutex // held by the caller writing a group
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	err  error
	done bool
}

func (g *groupCommit) do(db *bolt.DB, fn func(*bolt.Tx) error) error {
	c := &groupCall{fn: fn}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	g.mu.Unlock()

	g.commit.Lock()
	defer g.commit.Unlock()
	if c.done { // the previous leader committed it while this caller waited
		return c.err
	}
	g.mu.Lock()
	group := g.pending
	g.pending = nil
	g.mu.Unlock()

	err := db.Update(func(tx *bolt.Tx) error {
		for _, m := range group {
			if err := m.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(group) == 1 {
		for _, m := range group {
			m.err, m.done = err, true
		}
		return c.err
	}
	// One of the group failed and took the others' writes with it: commit each alone, so
	// every caller gets its own outcome.
	for _, m := range group {
		m.err, m.done = db.Update(m.fn), true
	}
	return c.err
}
