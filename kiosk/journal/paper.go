package journal

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Paper is the paper counter kept beside the jobs: how much the current roll has printed,
// and what the last roll that ran down gave.
type Paper struct {
	// Printed counts receipts and pages printed since ReplacedAt.
	Printed int `json:"printed"`
	// ReplacedAt is when the technician last said the paper was replaced; zero: never.
	ReplacedAt time.Time `json:"replaced_at,omitzero"`
	// PerRoll is what the last roll printed before its near-end sensor tripped; zero until a
	// roll inserted with PaperReplaced has run down.
	PerRoll int `json:"per_roll,omitempty"`
	// NearEnd is set once the current roll's near-end sensor has tripped.
	NearEnd bool `json:"near_end,omitempty"`
}

var (
	bucketPaper = []byte("paper")
	keyCounter  = []byte("counter")
)

// Paper returns the paper counter (zero before anything was counted).
func (j *Journal) Paper() (Paper, error) {
	var p Paper
	err := j.viewTx(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPaper)
		if b == nil { // a journal written before the counter existed, read-only
			return nil
		}
		return decodePaper(b.Get(keyCounter), &p)
	})
	return p, err
}

// CountPrinted adds n printed receipts or pages. nearEnd says the printer reported its roll
// nearly used up with them: the first time on a roll that was inserted with PaperReplaced,
// what the roll printed becomes PerRoll. A roll whose start was never recorded teaches
// nothing, since its count does not start at a full roll.
func (j *Journal) CountPrinted(n int, nearEnd bool) (Paper, error) {
	if n < 0 {
		return Paper{}, fmt.Errorf("%w: negative paper count %d", ErrInvalid, n)
	}
	if n == 0 { // a status poll: write only when the near-end is news
		p, err := j.Paper()
		if err != nil || !nearEnd || p.NearEnd {
			return p, err
		}
	}
	return j.updatePaper(func(p *Paper) {
		p.Printed += n
		if nearEnd && !p.NearEnd {
			p.NearEnd = true
			if !p.ReplacedAt.IsZero() {
				p.PerRoll = p.Printed
			}
		}
	})
}

// PaperReplaced starts a new roll at at: the count goes to zero; what was learned stays.
func (j *Journal) PaperReplaced(at time.Time) (Paper, error) {
	return j.updatePaper(func(p *Paper) {
		p.Printed, p.NearEnd, p.ReplacedAt = 0, false, at
	})
}

func (j *Journal) updatePaper(change func(*Paper)) (Paper, error) {
	var p Paper
	err := j.updateTx(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPaper)
		if err != nil {
			return err
		}
		if err := decodePaper(b.Get(keyCounter), &p); err != nil {
			return err
		}
		change(&p)
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return b.Put(keyCounter, v)
	})
	return p, err
}

func decodePaper(v []byte, p *Paper) error {
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(v, p); err != nil {
		return fmt.Errorf("%w: paper counter: %v", ErrCorrupt, err)
	}
	return nil
}
