package terminal_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/assets"
	"taxkiosk/kiosk/boltfile/bolttest"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/txn"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// stoppedKiosk is the data directory of a kiosk that stopped with n sealed VAT returns
// queued, and its configuration.
func stoppedKiosk(t *testing.T, n int) config.Config {
	t.Helper()
	c := config.Default()
	c.DataDir = t.TempDir()
	fillOutbox(t, c, n)
	return c
}

// fillOutbox queues n sealed VAT returns in the outbox of c, making its data directory and
// key as the kiosk would, and returns their ids.
func fillOutbox(t *testing.T, c config.Config, n int) []string {
	t.Helper()
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	key, err := seal.LoadOrCreateKey(c.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	ob, err := outbox.Open(c.OutboxPath(), &outbox.Opts{KioskID: c.KioskID, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	var ids []string
	for range n {
		tp := &txn.Taxpayer{Name: "张三", IDNumber: "11010519491231002X"}
		got, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: tp})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	return ids
}

// The review: with an http:// hall the kiosk posted names, ID numbers and addresses in clear.
func TestClearTextHallRefusedAtOpen(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://10.1.2.3:8600", "http://hall.example:8600"} {
		c := config.Default()
		c.DataDir = t.TempDir()
		c.HallURL = u
		_, err := terminal.Open(c, terminal.Opts{Catalog: catalog(t)})
		if !errors.Is(err, config.ErrClearHall) || !strings.Contains(err.Error(), "https://") {
			t.Fatalf("%s: Open = %v, want a refusal", u, err)
		}
	}
}

// The review: the kiosk's TLS and signing key loaded at 0644 while seal.key was held to
// 0600; and the demo made its data directory 0755.
func TestTLSKeyReadableByOthersRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := demo.Start(demo.Opts{Dir: filepath.Join(dir, "demo"), KioskID: "KEY-01"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, p := range []string{filepath.Join(dir, "demo"), filepath.Join(dir, "demo", "dev")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("demo directory %s: %v %v, want 0700", p, fi.Mode().Perm(), err)
		}
	}
	c := config.Default()
	c.DataDir = filepath.Join(dir, "kiosk")
	d.Configure(&c)
	_, keyName := mtls.KioskFiles(c.KioskID)
	keyPath := filepath.Join(c.Certs(), keyName)
	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = terminal.Open(c, terminal.Opts{Catalog: catalog(t)})
	if !errors.Is(err, seal.ErrKeyPermissions) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("TLS key at 0644: Open = %v", err)
	}
	os.Chmod(keyPath, 0o600)
	term, err := terminal.Open(c, terminal.Opts{Catalog: catalog(t)})
	if err != nil {
		t.Fatalf("TLS key at 0600: %v", err)
	}
	term.Close()
}

// The review: a leaf page with flags 0x7777 crashed the kiosk at start, since bbolt's check
// panicked on a goroutine of its own.
func TestDamagedOutboxPageRefusesToStart(t *testing.T) {
	t.Parallel()
	c := stoppedKiosk(t, 50)
	bolttest.CorruptLeaf(t, c.OutboxPath())
	before, _ := os.ReadFile(c.OutboxPath())
	_, err := terminal.Open(c, terminal.Opts{Catalog: catalog(t)})
	if !errors.Is(err, outbox.ErrCorrupt) {
		t.Fatalf("Open over a damaged page: %v", err)
	}
	if after, _ := os.ReadFile(c.OutboxPath()); !bytes.Equal(before, after) {
		t.Fatal("the damaged file was changed")
	}
}

// The review: with seal.key lost the kiosk made a new key and stayed in service, and nothing
// queued under the old one could be delivered again.
func TestLostSealKeyWithQueuedWorkRefusesToStart(t *testing.T) {
	t.Parallel()
	c := stoppedKiosk(t, 1)
	os.Remove(c.KeyPath())
	_, err := terminal.Open(c, terminal.Opts{Catalog: catalog(t)})
	if !errors.Is(err, outbox.ErrKeyLost) {
		t.Fatalf("Open without the key: %v", err)
	}
	if _, err := os.Stat(c.KeyPath()); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a new key was made over the lost one")
	}
}

// The review: a full disk was noticed only at commit, after the taxpayer had typed a whole
// return. Now no service can be started while the data directory's disk is nearly full,
// with a plain message, and the services come back when space is freed.
func TestNearlyFullDiskRefusesBeforeTheTaxpayerStarts(t *testing.T) {
	t.Parallel()
	var free atomic.Uint64
	free.Store(1 << 30)
	k := newKioskWith(t, func(o *terminal.Opts) {
		o.FreeSpace = func(string) (uint64, error) { return free.Load(), nil }
	})
	k.waitFor("services open", func() bool { return k.term.Desk().Services()[0].Available })
	free.Store(5 << 20) // 5 MiB left, 64 MiB wanted
	for _, s := range k.term.Desk().Services() {
		if s.Available || s.ReasonKey != "policy.out_of_service" {
			t.Fatalf("nearly full disk: %+v", s)
		}
	}
	cat := catalog(t)
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		if msg := cat.T(l, "policy.out_of_service"); msg == "" || msg == "policy.out_of_service" {
			t.Fatalf("%s: no text for the refusal", l)
		}
	}
	if st := k.term.Menu().OutboxStats(); !strings.Contains(st.OutOfService, "MiB free") {
		t.Fatalf("the technician's board does not say why: %+v", st)
	}
	free.Store(1 << 30)
	if s := k.term.Desk().Services()[0]; !s.Available {
		t.Fatalf("space freed: %+v", s)
	}
}

// The review: one unreadable record stalled the whole queue. Now it is set aside, the rest
// is delivered, and the hall hears of it as an audit transaction.
func TestUnreadableRecordQuarantinedAndReportedToTheHall(t *testing.T) {
	t.Parallel()
	var queued string
	k := newKioskConfigured(t, nil, func(c *config.Config) {
		queued = fillOutbox(t, *c, 2)[1]
		db, err := bolt.Open(c.OutboxPath(), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		err = db.Update(func(tx *bolt.Tx) error { // the first record's JSON torn in half
			b := tx.Bucket([]byte("records"))
			k, v := b.Cursor().First()
			return b.Put(k, append([]byte(nil), v[:len(v)/2]...))
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	k.waitFor("the sound record delivered and the quarantine reported", func() bool {
		st := k.term.Menu().OutboxStats()
		if st.Quarantined != 1 || st.Pending() != 0 {
			return false
		}
		recs, _ := k.term.Records(outbox.Filter{})
		reported, delivered := false, false
		for _, r := range recs {
			if r.Txn.Kind == txn.KindAudit && bytes.Contains(r.Txn.Body, []byte(`"outbox_quarantine"`)) && r.State != txn.Queued {
				reported = true
			}
			if r.Txn.ID == queued && r.State != txn.Queued && r.State != txn.Sending {
				delivered = true
			}
		}
		return reported && delivered
	})
}
