// Package bolttest damages real bbolt files the way a failing disk does, for tests of the
// code that must survive them.
package bolttest

import (
	"encoding/binary"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BadFlags is what CorruptLeaf writes over a page's flags: neither leaf nor branch, the
// damage the security review reproduced.
const BadFlags = 0x7777

// CorruptLeaf overwrites the flags of a leaf page in use in the closed bbolt file at path
// with BadFlags and returns the page's id. It fails the test when the file has no such page.
func CorruptLeaf(t testing.TB, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaf, size := 0, db.Info().PageSize
	err = db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == "leaf" {
				leaf = id
				return nil
			}
			id += p.OverflowCount
		}
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if leaf == 0 {
		t.Fatalf("%s has no leaf page in use", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var flags [2]byte // a page header: id (8 bytes), flags (2), count (2), overflow (4)
	binary.LittleEndian.PutUint16(flags[:], BadFlags)
	if _, err := f.WriteAt(flags[:], int64(leaf*size)+8); err != nil {
		t.Fatal(err)
	}
	return leaf
}
