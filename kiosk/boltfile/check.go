package boltfile

import (
	"errors"
	"fmt"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// Check verifies db's structure without writing, and reports damage as an error instead of
// a crash. bbolt's own tx.Check runs in a goroutine of its own: a damaged page (a leaf whose
// flags say neither leaf nor branch) makes it panic there, where no recover of the caller
// can reach, and the whole process dies. So Check first reads every bucket and every key on
// the calling goroutine, where a panic or a fault on an address outside the file is
// recovered and reported; only a file that walks cleanly is handed to tx.Check, whose
// channel is drained to the end so its goroutine never outlives the transaction.
//
// A read-only file is only walked: bbolt loads its freelist inside tx.Check's goroutine,
// where a damaged freelist page would panic again, and a reader that writes nothing does
// not depend on the freelist being consistent.
func Check(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		if err := walk(tx); err != nil {
			return err
		}
		if db.IsReadOnly() {
			return nil
		}
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// walk reads every bucket and key of tx, recovering what bbolt panics with on a bad page.
func walk(tx *bolt.Tx) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged page: %v", r)
		}
	}()
	return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walkBucket(b) })
}

func walkBucket(b *bolt.Bucket) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v != nil {
			continue
		}
		if child := b.Bucket(k); child != nil { // nil value: a nested bucket
			if err := walkBucket(child); err != nil {
				return err
			}
		}
	}
	return nil
}
