package entcache_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/kiosk/entcache"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/seal"
)

const id = "410402198001013016"

func key(t *testing.T, b byte) *seal.Key {
	t.Helper()
	k, err := seal.NewKey(bytes.Repeat([]byte{b}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var ents = []hallapi.Enterprise{{
	CreditCode: "91410402MA44XYZ12R", Name: "平顶山市卫东区示例商贸有限公司", Role: "legal_representative",
	Outstanding: []hallapi.TaxItem{{ID: "T1", Amount: money.Yuan(1234)}},
}}

func TestPutGetAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enterprises.db")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c, err := entcache.Open(path, key(t, 1), &entcache.Opts{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put(id, ents, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	c.Close()

	c, err = entcache.Open(path, key(t, 1), &entcache.Opts{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, at, ok, err := c.Get(id)
	if err != nil || !ok || len(got) != 1 || got[0].CreditCode != ents[0].CreditCode || !at.Equal(now.Add(-time.Hour)) {
		t.Fatalf("after restart: %+v %v %v %v", got, at, ok, err)
	}
	if got[0].Outstanding[0].Amount != money.Yuan(1234) {
		t.Fatalf("amount: %v", got[0].Outstanding[0].Amount)
	}
	if _, _, ok, _ := c.Get("410402198001013024"); ok {
		t.Fatal("another person's number found an entry")
	}
}

func TestNothingInTheClearOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enterprises.db")
	c, err := entcache.Open(path, key(t, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put(id, ents, time.Now()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{id, id[:6] + id[14:], ents[0].CreditCode, ents[0].Name, "legal_representative"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q lies in the clear in the cache file", s)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
}

func TestExpiredEntriesDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enterprises.db")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c, err := entcache.Open(path, key(t, 1), &entcache.Opts{MaxAge: 24 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	c.Put(id, ents, now.Add(-25*time.Hour))
	c.Put("410402198001013024", ents, now.Add(-time.Hour))
	if _, _, ok, _ := c.Get(id); ok {
		t.Fatal("an expired entry was served")
	}
	if c.Len() != 1 {
		t.Fatalf("expired entry kept: %d entries", c.Len())
	}
	c.Close()
	now = now.Add(24 * time.Hour) // the second one expires while the kiosk is off
	c, err = entcache.Open(path, key(t, 1), &entcache.Opts{MaxAge: 24 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 0 {
		t.Fatalf("Open did not purge: %d entries", c.Len())
	}
}

func TestAnotherKeyCannotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enterprises.db")
	c, _ := entcache.Open(path, key(t, 1), nil)
	c.Put(id, ents, time.Now())
	c.Close()
	c, err := entcache.Open(path, key(t, 2), nil) // the key file was replaced
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, _, ok, err := c.Get(id); ok || err != nil {
		t.Fatalf("entry under the old key: ok=%v err=%v", ok, err)
	}
	if c.Len() != 0 {
		t.Fatal("unreadable entries kept")
	}
}

func TestDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enterprises.db")
	os.WriteFile(path, bytes.Repeat([]byte("not a database "), 400), 0o600)
	if _, err := entcache.Open(path, key(t, 1), nil); !errors.Is(err, entcache.ErrCorrupt) {
		t.Fatalf("damaged file: %v", err)
	}
}
