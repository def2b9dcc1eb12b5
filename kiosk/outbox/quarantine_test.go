package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// damage rewrites the stored record of seq in the closed outbox at path.
func damage(t *testing.T, path string, seq uint64, fn func(raw []byte) []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRecords)
		return b.Put(seqKey(seq), fn(append([]byte(nil), b.Get(seqKey(seq))...)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The review: one record whose seal no longer opened failed every batch, so nothing behind
// it was ever delivered, status said "oldest queued 0s" and `outbox list` was refused.
func TestUnreadableRecordsQuarantinedAndTheQueueMoves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := start
	clock := func() time.Time { return now }
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 4 {
		tp := persona
		got, err := ob.Enqueue(context.Background(), vat(&tp))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
		now = now.Add(time.Minute)
	}
	ob.Close()
	damage(t, path, 1, func(raw []byte) []byte { // a flipped byte in the sealed personal data
		var s stored
		json.Unmarshal(raw, &s)
		s.Sealed[len(s.Sealed)-1] ^= 1
		out, _ := json.Marshal(s)
		return out
	})
	damage(t, path, 3, func(raw []byte) []byte { return raw[:len(raw)/2] }) // torn JSON

	type told struct {
		seq    uint64
		id     string
		reason string
	}
	var tells []told
	ob, err = Open(path, &Opts{Key: testKey(t), Now: clock, Quarantined: func(seq uint64, id, reason string) {
		tells = append(tells, told{seq, id, reason})
	}})
	if err != nil {
		t.Fatalf("one unreadable record kept the outbox shut: %v", err)
	}
	t.Cleanup(func() { ob.Close(); checkFile(t, path) })

	now = start.Add(time.Hour)
	if st := ob.Stats(); st.OldestQueued != time.Hour {
		t.Fatalf("before the queue reached them: oldest waiting %s, want 1h", st.OldestQueued)
	}
	recs, err := ob.Next(10)
	if err != nil {
		t.Fatalf("Next stalled on an unreadable record: %v", err)
	}
	if len(recs) != 2 || recs[0].Txn.ID != ids[1] || recs[1].Txn.ID != ids[3] || recs[0].Txn.Taxpayer == nil {
		t.Fatalf("Next = %+v, want the two sound records", recs)
	}
	st := ob.Stats()
	if st.Quarantined != 2 || st.Pending() != 2 || st.OldestQueued != 59*time.Minute {
		t.Fatalf("stats %+v: want 2 quarantined, 2 pending, oldest 59m", st)
	}
	if len(tells) != 2 || tells[0].seq != 1 || tells[0].id != ids[0] || tells[1].seq != 3 || !strings.Contains(tells[0].reason, "seal") {
		t.Fatalf("told %+v", tells)
	}

	q, err := ob.List(Filter{State: StateQuarantined})
	if err != nil || len(q) != 2 || q[0].Txn.ID != ids[0] || q[0].State != StateQuarantined || q[0].Quarantined == "" || q[1].Txn.Seq != 3 {
		t.Fatalf("quarantine list %+v, %v", q, err)
	}
	for _, r := range q {
		if r.Txn.Taxpayer != nil || strings.Contains(r.Quarantined, persona.Name) {
			t.Fatalf("a quarantined record shows personal data: %+v", r)
		}
	}
	all, err := ob.List(Filter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("list of everything: %d records, %v", len(all), err)
	}
	if _, err := ob.Get(ids[0]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get of a quarantined record: %v", err)
	}
	if err := ob.Ack([]string{ids[1], ids[3]}, now); err != nil {
		t.Fatal(err)
	}
	if st := ob.Stats(); st.Pending() != 0 || st.Quarantined != 2 || st.OldestQueued != 0 {
		t.Fatalf("after delivery: %+v", st)
	}
}

// A record a crash left "sending" and that cannot be read must not keep the kiosk shut.
func TestUnreadableSendingRecordQuarantinedAtOpen(t *testing.T) {
	ob, path := openTest(t)
	tp := persona
	got, err := ob.Enqueue(context.Background(), vat(&tp))
	if err != nil {
		t.Fatal(err)
	}
	if err := ob.MarkSending([]string{got.ID}); err != nil {
		t.Fatal(err)
	}
	ob.Close()
	damage(t, path, got.Seq, func(raw []byte) []byte { return []byte("{") })
	ob2, err := Open(path, &Opts{Key: testKey(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer ob2.Close()
	if st := ob2.Stats(); st.Quarantined != 1 || st.Pending() != 0 {
		t.Fatalf("stats %+v", st)
	}
	if q, _ := ob2.List(Filter{State: StateQuarantined}); len(q) != 1 || q[0].Txn.Seq != got.Seq || q[0].Txn.ID != "" {
		t.Fatalf("quarantine %+v", q)
	}
}

// The review: with seal.key gone the kiosk made a new one and stayed in service, while
// everything queued under the old key could never be opened again.
func TestLostKeyWithRecordsIsAFault(t *testing.T) {
	dir := t.TempDir()
	path, keyPath := filepath.Join(dir, "outbox.db"), filepath.Join(dir, "seal.key")
	key, err := LoadKey(path, keyPath) // a fresh install makes its key
	if err != nil {
		t.Fatal(err)
	}
	ob, err := Open(path, &Opts{KioskID: "K001", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(path, keyPath); err != nil { // the key is there: no question
		t.Fatal(err)
	}
	ob.Close()
	os.Remove(keyPath)
	if _, err := LoadKey(path, keyPath); err != nil { // an outbox with nothing in it starts afresh
		t.Fatalf("empty outbox: %v", err)
	}
	ob, err = Open(path, &Opts{KioskID: "K001", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	tp := persona
	if _, err := ob.Enqueue(context.Background(), vat(&tp)); err != nil {
		t.Fatal(err)
	}
	ob.Close()
	os.Remove(keyPath)
	_, err = LoadKey(path, keyPath)
	if !errors.Is(err, ErrKeyLost) || !strings.Contains(err.Error(), "1 transactions") || !strings.Contains(err.Error(), "restore") {
		t.Fatalf("lost key: %v", err)
	}
	if _, serr := os.Stat(keyPath); !errors.Is(serr, os.ErrNotExist) {
		t.Fatal("a new key was made over a lost one")
	}
}
