package boltstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
)

// TestGroupCommit posts from many kiosks at once, with some requests repeated (a resend
// racing its original) and some cancelled: every live request gets its own answer, each
// transaction is stored once, and a cancelled request takes nobody else's writes with it.
func TestGroupCommit(t *testing.T) {
	s, _ := open(t)
	const kiosks, per = 64, 5
	type answer struct {
		kiosk    string
		outs     []hall.Outcome
		err      error
		canceled bool
	}
	answers := make(chan answer, 3*kiosks)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := 0; k < kiosks; k++ {
		kiosk := fmt.Sprintf("K%02d", k)
		batch := make([]hall.Entry, per)
		for j := range batch {
			batch[j] = storetest.Entry(kiosk, fmt.Sprintf("%s-%d", kiosk, j), uint64(j+1))
		}
		post := func(ctx context.Context, canceled bool) {
			defer wg.Done()
			<-start
			outs, err := s.PutBatch(ctx, kiosk, batch)
			answers <- answer{kiosk, outs, err, canceled}
		}
		wg.Add(2)
		go post(context.Background(), false)
		go post(context.Background(), false) // the resend
		if k%8 == 0 {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			wg.Add(1)
			go post(ctx, true)
		}
	}
	close(start)
	wg.Wait()
	close(answers)
	fresh := map[string]int{}
	for a := range answers {
		if a.canceled {
			if !errors.Is(a.err, context.Canceled) {
				t.Errorf("%s: cancelled request answered %v", a.kiosk, a.err)
			}
			continue
		}
		if a.err != nil || len(a.outs) != per {
			t.Fatalf("%s: %v, %d outcomes", a.kiosk, a.err, len(a.outs))
		}
		for _, o := range a.outs {
			if !o.Duplicate {
				fresh[a.kiosk]++
			}
		}
	}
	for k := 0; k < kiosks; k++ {
		if kiosk := fmt.Sprintf("K%02d", k); fresh[kiosk] != per {
			t.Errorf("%s: %d transactions answered as new, want %d (one of the two posts each)", kiosk, fresh[kiosk], per)
		}
	}
	if n, err := s.Count(context.Background()); err != nil || n != kiosks*per {
		t.Fatalf("Count = %d %v, want %d", n, err, kiosks*per)
	}
}

// TestGroupCommitFailureIsolated: when one write of a group fails, the group's other writes
// are committed alone and only the failing caller sees the error.
func TestGroupCommitFailureIsolated(t *testing.T) {
	s, _ := open(t)
	var g groupCommit
	g.commit.Lock() // a commit "in progress": the three calls below form one group
	boom := errors.New("boom")
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.do(s.db, func(tx *bolt.Tx) error {
				if i == 1 {
					return boom
				}
				return tx.Bucket(bMeta).Put([]byte(fmt.Sprint("k", i)), []byte("v"))
			})
		}()
	}
	for {
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n == 3 {
			break
		}
		runtime.Gosched()
	}
	g.commit.Unlock()
	wg.Wait()
	if errs[0] != nil || !errors.Is(errs[1], boom) || errs[2] != nil {
		t.Fatalf("errors %v", errs)
	}
	s.db.View(func(tx *bolt.Tx) error {
		for i, want := range []bool{true, false, true} {
			if got := tx.Bucket(bMeta).Get([]byte(fmt.Sprint("k", i))) != nil; got != want {
				t.Errorf("write %d stored %v, want %v", i, got, want)
			}
		}
		return nil
	})
}
