package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/boltfile/bolttest"
)

// plain fails the test when out looks like a crash rather than a message for a technician.
func plain(t *testing.T, what, out string) {
	t.Helper()
	for _, crash := range []string{"panic", "goroutine ", "runtime."} {
		if strings.Contains(out, crash) {
			t.Fatalf("%s crashed:\n%s", what, out)
		}
	}
}

// The review: a leaf page with flags 0x7777 crashed kioskctl (bbolt's check panicked on a
// goroutine of its own). Now it prints a plain message and leaves the file as it was.
func TestDamagedOutboxPagePlainMessage(t *testing.T) {
	dir, ob, _ := kioskData(t)
	ob.Close()
	path := filepath.Join(dir, "outbox.db")
	bolttest.CorruptLeaf(t, path)
	before, _ := os.ReadFile(path)
	for _, args := range [][]string{{"outbox", "status"}, {"outbox", "list"}} {
		out, code := ctl(t, append(args, "--data", dir)...)
		plain(t, strings.Join(args, " "), out)
		if code != exitFailed || !strings.Contains(out, "corrupt") {
			t.Fatalf("%v: exit %d\n%s", args, code, out)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("kioskctl changed the damaged file")
	}
}

// The review: one unreadable record made `outbox list` fail with "request refused". It is
// listed, marked, next to the others.
func TestUnreadableRecordListed(t *testing.T) {
	dir, ob, ids := kioskData(t)
	ob.Close()
	db, err := bolt.Open(filepath.Join(dir, "outbox.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { // the second record's JSON torn in half
		b := tx.Bucket([]byte("records"))
		c := b.Cursor()
		c.First()
		k, v := c.Next()
		return b.Put(k, append([]byte(nil), v[:len(v)/2]...))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, code := ctl(t, "outbox", "list", "--data", dir)
	plain(t, "outbox list", out)
	if code != 0 || !strings.Contains(out, ids[0]) || !strings.Contains(out, ids[2]) || !strings.Contains(out, "unreadable:") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
}

// The review: with seal.key lost nothing said why delivery stopped. A stopped kiosk's status
// now says so.
func TestStatusReportsLostKey(t *testing.T) {
	dir, ob, _ := kioskData(t)
	ob.Close()
	os.Remove(filepath.Join(dir, "seal.key"))
	out, code := ctl(t, "status", "--data", dir)
	if code != exitNotReady || !strings.Contains(out, "OUT OF SERVICE") || !strings.Contains(out, "restore the key file") {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	out, code = ctl(t, "outbox", "status", "--data", dir)
	if code != 0 || !strings.Contains(out, "OUT OF SERVICE") || !strings.Contains(out, "3 transactions") {
		t.Fatalf("outbox status: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "seal.key")); !os.IsNotExist(err) {
		t.Fatal("kioskctl made a key")
	}
}
