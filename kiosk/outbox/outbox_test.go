package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

var persona = txn.Taxpayer{
	Name:     "欧阳娜娜",
	IDNumber: "41040219800101123X",
	CardType: "resident",
	Address:  "河南省平顶山市新华区光明路18号",
}

func testKey(t testing.TB) *seal.Key {
	k, err := seal.NewKey(bytes.Repeat([]byte{0x5a}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// openTest opens an outbox in its own file and, at cleanup, checks the file is a consistent
// bbolt database whose state index matches its records.
func openTest(t *testing.T) (*Outbox, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ob.Close()
		checkFile(t, path)
	})
	return ob, path
}

func checkFile(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Errorf("reopen %s: %v", path, err)
		return
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		indexed := 0
		tx.Bucket(bState).ForEachBucket(func(k []byte) error {
			indexed += tx.Bucket(bState).Bucket(k).Stats().KeyN
			return nil
		})
		if q := tx.Bucket(bQuarantine); q != nil { // set aside, still kept
			indexed += q.Stats().KeyN
		}
		if n := tx.Bucket(bRecords).Stats().KeyN; n != indexed || n != tx.Bucket(bIDs).Stats().KeyN {
			t.Errorf("records %d, state index and quarantine %d, ids %d", n, indexed, tx.Bucket(bIDs).Stats().KeyN)
		}
		return nil
	})
}

func vat(tp *txn.Taxpayer) txn.Txn {
	return txn.Txn{Kind: txn.KindVATReturn, Taxpayer: tp, Body: []byte(`{"period":"2026Q3","sales":"0.00"}`)}
}

func TestEnqueueSealsPersonalData(t *testing.T) {
	ob, path := openTest(t)
	ctx := context.Background()
	var ids []string
	for i := 0; i < 3; i++ {
		tp := persona
		got, err := ob.Enqueue(ctx, vat(&tp))
		if err != nil {
			t.Fatal(err)
		}
		if got.Seq != uint64(i+1) || got.ID == "" || got.KioskID != "K001" || got.CreatedAt.IsZero() {
			t.Fatalf("enqueue %d assigned %+v", i, got)
		}
		ids = append(ids, got.ID)
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{persona.Name, persona.IDNumber, "19800101", persona.Address, "光明路"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("database file contains %q in plaintext", secret)
		}
	}
	if !bytes.Contains(raw, []byte(ids[0])) {
		t.Fatal("sanity: the transaction id should be visible in the file")
	}
	ob2, err := Open(path, &Opts{Key: testKey(t)}) // kiosk id comes from the file
	if err != nil {
		t.Fatal(err)
	}
	defer ob2.Close()
	r, err := ob2.Get(ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if r.Txn.Taxpayer == nil || *r.Txn.Taxpayer != persona || r.State != txn.Queued || r.Txn.Seq != 2 {
		t.Fatalf("reopened record %+v", r)
	}
	if _, err := Open(path+"x", &Opts{Key: testKey(t)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("new file without kiosk id: %v", err)
	}
}

func TestWrongKeyIsCorrupt(t *testing.T) {
	ob, path := openTest(t)
	tp := persona
	got, err := ob.Enqueue(context.Background(), vat(&tp))
	if err != nil {
		t.Fatal(err)
	}
	ob.Close()
	other, _ := seal.NewKey(bytes.Repeat([]byte{1}, seal.KeySize))
	// The file knows its key's fingerprint: another key is refused whole, so that a wrong
	// backup restored does not send every record to quarantine.
	if _, err := Open(path, &Opts{Key: other}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("another key: %v", err)
	}
	// A file from before fingerprints: every record refuses to open instead.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kKeyID) })
	db.Close()
	ob2, err := Open(path, &Opts{Key: other, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ob2.Close()
	if _, err := ob2.Get(got.ID); !errors.Is(err, ErrCorrupt) || strings.Contains(err.Error(), persona.Name) {
		t.Fatalf("wrong key: %v", err)
	}
}

func TestSeqGapFreeAcrossReopen(t *testing.T) {
	ob, path := openTest(t)
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		for i := 0; i < 4; i++ {
			if _, err := ob.Enqueue(ctx, vat(nil)); err != nil {
				t.Fatal(err)
			}
		}
		// A rejected enqueue must not consume a number.
		if _, err := ob.Enqueue(ctx, txn.Txn{}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("enqueue without kind: %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ob.Enqueue(cctx, vat(nil)); !errors.Is(err, context.Canceled) {
			t.Fatalf("enqueue with cancelled context: %v", err)
		}
		ob.Close()
		var err error
		if ob, err = Open(path, &Opts{KioskID: "K001", Key: testKey(t)}); err != nil {
			t.Fatal(err)
		}
	}
	defer ob.Close()
	recs, err := ob.List(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 12 {
		t.Fatalf("%d records after reopen, want 12", len(recs))
	}
	for i, r := range recs {
		if r.Txn.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Txn.Seq)
		}
	}
	if _, err := Open(path, &Opts{KioskID: "K002", Key: testKey(t), LockTimeout: 50 * time.Millisecond}); err == nil {
		t.Fatal("opened twice")
	}
}

func TestLifecycle(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close(); checkFile(t, path) })
	ctx := context.Background()
	var ids []string
	for i := 0; i < 5; i++ {
		tp := persona
		got, err := ob.Enqueue(ctx, vat(&tp))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
		now = now.Add(time.Minute)
	}
	if _, err := ob.Enqueue(ctx, txn.Txn{ID: ids[0], Kind: txn.KindVATReturn}); !errors.Is(err, ErrExists) {
		t.Fatalf("enqueue of an existing id: %v", err)
	}
	next, err := ob.Next(3)
	if err != nil || len(next) != 3 || next[0].Txn.ID != ids[0] || next[2].Txn.ID != ids[2] {
		t.Fatalf("Next(3) = %v %v", next, err)
	}
	if err := ob.MarkSending(ids[:3]); err != nil {
		t.Fatal(err)
	}
	if next, _ := ob.Next(10); len(next) != 2 || next[0].Txn.ID != ids[3] {
		t.Fatalf("Next after MarkSending = %d records", len(next))
	}
	if err := ob.Requeue(ids[:1], errors.New("hall unreachable: connection refused")); err != nil {
		t.Fatal(err)
	}
	st := ob.Stats()
	if st.Counts[txn.Queued] != 3 || st.Counts[txn.Sending] != 2 || st.LastError == "" || st.OldestQueued != 5*time.Minute || st.Pending() != 5 {
		t.Fatalf("stats %+v", st)
	}
	if err := ob.Ack(ids[1:3], now); err != nil {
		t.Fatal(err)
	}
	if err := ob.SetResult(ids[1], txn.Result{State: txn.Approved, Code: "accepted", At: now}); err != nil {
		t.Fatal(err)
	}
	if err := ob.SetResult(ids[1], txn.Result{State: txn.Queued}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("SetResult(queued): %v", err)
	}
	if err := ob.Ack([]string{"no-such-id"}, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Ack unknown: %v", err)
	}
	r, _ := ob.Get(ids[0])
	if r.State != txn.Queued || r.Attempts != 1 || !strings.Contains(r.LastError, "unreachable") {
		t.Fatalf("requeued record %+v", r)
	}
	r, _ = ob.Get(ids[1])
	if r.State != txn.Approved || r.Result.Code != "accepted" || !r.AckedAt.Equal(now) {
		t.Fatalf("approved record %+v", r)
	}
	st = ob.Stats()
	if st.Counts[txn.Approved] != 1 || st.Counts[txn.Acknowledged] != 1 || st.LastError != "" || !st.LastSync.Equal(now) {
		t.Fatalf("stats after ack %+v", st)
	}
	if got, _ := ob.List(Filter{State: txn.Queued}); len(got) != 3 {
		t.Fatalf("List(queued) = %d", len(got))
	}
	if got, _ := ob.List(Filter{Since: now.Add(-2 * time.Minute), Limit: 10}); len(got) != 2 {
		t.Fatalf("List(since) = %d", len(got))
	}
	if n, err := ob.Purge(24 * time.Hour); err != nil || n != 0 {
		t.Fatalf("early purge = %d %v", n, err)
	}
	now = now.Add(31 * 24 * time.Hour)
	if n, err := ob.Purge(30 * 24 * time.Hour); err != nil || n != 2 {
		t.Fatalf("purge = %d %v", n, err)
	}
	r, _ = ob.Get(ids[1])
	if r.Txn.Taxpayer != nil || !r.Purged || r.State != txn.Approved {
		t.Fatalf("purged record %+v", r)
	}
	if r, _ = ob.Get(ids[0]); r.Txn.Taxpayer == nil {
		t.Fatal("queued record lost its taxpayer in purge")
	}
}

func TestCrashLeftSendingRequeued(t *testing.T) {
	ob, path := openTest(t)
	ctx := context.Background()
	a, _ := ob.Enqueue(ctx, vat(nil))
	b, _ := ob.Enqueue(ctx, vat(nil))
	if err := ob.MarkSending([]string{a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	ob.Close() // as if the process died with the batch on the wire
	ob2, err := Open(path, &Opts{Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer ob2.Close()
	select {
	case <-ob2.Changes():
	default:
		t.Fatal("reopened outbox with queued work did not signal Changes")
	}
	next, err := ob2.Next(10)
	if err != nil || len(next) != 2 || next[0].Txn.ID != a.ID || next[0].Attempts != 1 {
		t.Fatalf("after reopen Next = %+v %v", next, err)
	}
	if st := ob2.Stats(); st.Counts[txn.Sending] != 0 {
		t.Fatalf("still sending: %+v", st)
	}
}

func TestChangesCoalesce(t *testing.T) {
	ob, _ := openTest(t)
	<-ob.Changes() // the signal from Open
	for i := 0; i < 3; i++ {
		ob.Enqueue(context.Background(), vat(nil))
	}
	select {
	case <-ob.Changes():
	case <-time.After(5 * time.Second):
		t.Fatal("no change signal")
	}
	select {
	case <-ob.Changes():
		t.Fatal("signals did not coalesce")
	default:
	}
}

func TestCorruptFileLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"garbage":   bytes.Repeat([]byte("not a database "), 1000),
		"truncated": nil, // filled below
	} {
		path := filepath.Join(dir, name+".db")
		if content == nil {
			ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t)})
			if err != nil {
				t.Fatal(err)
			}
			ob.Enqueue(context.Background(), vat(nil))
			ob.Close()
			full, _ := os.ReadFile(path)
			content = full[:5000]
			for i := 0; i < 64; i++ { // wreck both meta pages
				content[16+i] ^= 0xff
				content[4096+16+i] ^= 0xff
			}
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t)})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Open = %v, want ErrCorrupt", name, err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(after, content) {
			t.Errorf("%s: Open modified a corrupt file", name)
		}
	}
}

func TestLockedFails(t *testing.T) {
	ob, path := openTest(t)
	_ = ob
	_, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t), LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}

// TestDiskFull runs a child process whose file size limit (RLIMIT_FSIZE; Go ignores the
// SIGXFSZ that comes with it, so writes fail with EFBIG) stops the database from growing: every
// enqueue either reports success and survives, or fails with ErrStorage and leaves nothing
// behind. After the failure the outbox is out of service (Healthy and Enqueue refuse) until the
// limit is lifted and a recheck's probe write succeeds.
func TestDiskFull(t *testing.T) {
	if path := os.Getenv("OUTBOX_DISKFULL_CHILD"); path != "" {
		diskFullChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := Open(path, &Opts{KioskID: "K001", Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	ob.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFull$")
	cmd.Env = append(os.Environ(), "OUTBOX_DISKFULL_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var okIDs []string
	saw := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "ok":
			okIDs = append(okIDs, rest)
		case "storage", "refused", "recovered":
			saw[word] = true
		case "other":
			t.Fatalf("child: %s", line)
		}
	}
	if !saw["storage"] || !saw["refused"] || !saw["recovered"] || len(okIDs) < 2 {
		t.Fatalf("child output:\n%s", out)
	}
	ob, err = Open(path, &Opts{Key: testKey(t)})
	if err != nil {
		t.Fatalf("reopen after disk full: %v", err)
	}
	defer func() { ob.Close(); checkFile(t, path) }()
	for _, id := range okIDs {
		if _, err := ob.Get(id); err != nil {
			t.Fatalf("reported success for %s but it is gone: %v", id, err)
		}
	}
	recs, _ := ob.List(Filter{})
	if len(recs) != len(okIDs) {
		t.Fatalf("%d records stored, %d reported", len(recs), len(okIDs))
	}
	for i, r := range recs {
		if r.Txn.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d: a failed enqueue used up a sequence number", i, r.Txn.Seq)
		}
	}
	t.Logf("disk full after %d enqueues", len(okIDs)-1)
}

// diskFullChild prints one line per event: "ok ID", "storage ERR", "refused ERR",
// "recovered", or "other ..." for anything the parent must fail on.
func diskFullChild(path string) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Println("other getrlimit", err)
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Println("other", err)
		return
	}
	// Only the soft limit drops, so the child can lift it again like a technician freeing space.
	limit := uint64(fi.Size()) + 256<<10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: lim.Max}); err != nil {
		fmt.Println("other setrlimit", err)
		return
	}
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ob, err := Open(path, &Opts{Key: testKey(nopTB{}), Now: func() time.Time { return clock }, RecheckEvery: time.Minute})
	if err != nil {
		fmt.Println("other open", err)
		return
	}
	defer ob.Close()
	body := []byte(`{"note":"` + strings.Repeat("x", 3000) + `"}`)
	enqueue := func() (txn.Txn, error) {
		return ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Body: body})
	}
	for i := 0; i < 5000; i++ {
		got, err := enqueue()
		switch {
		case err == nil:
			fmt.Println("ok", got.ID)
			continue
		case !errors.Is(err, ErrStorage):
			fmt.Println("other", err)
			return
		}
		fmt.Println("storage", strconv.Quote(err.Error()))
		if herr := ob.Healthy(); !errors.Is(herr, ErrOutOfService) || !errors.Is(herr, ErrStorage) {
			fmt.Println("other: Healthy after a failed write:", herr)
			return
		}
		if st := ob.Stats(); st.OutOfService == "" || st.Total != i {
			fmt.Println("other: stats after a failed write:", st)
			return
		}
		if _, err := enqueue(); !errors.Is(err, ErrOutOfService) || !errors.Is(err, ErrStorage) {
			fmt.Println("other: enqueue while out of service:", err)
			return
		}
		fmt.Println("refused", strconv.Quote(err.Error()))
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
			fmt.Println("other setrlimit", err)
			return
		}
		if ob.Healthy() == nil {
			fmt.Println("other: back in service before the recheck was due")
			return
		}
		clock = clock.Add(time.Minute)
		if err := ob.Healthy(); err != nil {
			fmt.Println("other: still out of service with space again:", err)
			return
		}
		fmt.Println("recovered")
		got, err = enqueue()
		if err != nil {
			fmt.Println("other: enqueue after recovery:", err)
			return
		}
		fmt.Println("ok", got.ID)
		return
	}
	fmt.Println("other: never filled")
}

type nopTB struct{ testing.TB }

func (nopTB) Fatal(...any) { os.Exit(3) }
func (nopTB) Helper()      {}

func ExampleOutbox_Enqueue() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	key, _ := seal.LoadOrCreateKey(filepath.Join(dir, "kiosk.key"))
	ob, err := Open(filepath.Join(dir, "outbox.db"), &Opts{KioskID: "K001", Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ob.Close()
	t, err := ob.Enqueue(context.Background(), txn.Txn{
		Kind:     txn.KindVATReturn,
		Taxpayer: &txn.Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"},
		Body:     []byte(`{"period":"2026Q3","sales":"0.00"}`),
	})
	if err != nil {
		fmt.Println("do not tell the taxpayer it worked:", err)
		return
	}
	r, _ := ob.Get(t.ID)
	fmt.Println(t.Seq, r.State, r.Txn.Taxpayer)
	// Output: 1 queued 张* 4104**********123X
}
