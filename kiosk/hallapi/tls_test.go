package hallapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// TestNewTLSClient delivers a signed batch to a hall that requires kiosk certificates, with
// certificates made by package certs as `hall certs init|issue` makes them.
func TestNewTLSClient(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	key, _ := seal.NewKey(bytes.Repeat([]byte{9}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg, err := certs.ServerConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hall.New(store, &hall.Opts{RequireKiosk: true}))
	ts.TLS = cfg
	ts.StartTLS()
	defer ts.Close()

	c, err := hallapi.NewTLSClient(ts.URL+"/", dir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Health(ctx); err != nil {
		t.Fatal(err)
	}
	tp := &txn.Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"}
	resp, err := c.SendBatch(ctx, hallapi.Batch{KioskID: "K001", Txns: []txn.Txn{{ID: txn.NewID(), KioskID: "K001", Kind: txn.KindVATReturn, Taxpayer: tp}}})
	if err != nil || len(resp.Accepted) != 1 {
		t.Fatalf("signed batch over mutual TLS: %+v %v", resp, err)
	}
	// The certificate names the kiosk: it cannot post for another one.
	if _, err := c.SendBatch(ctx, hallapi.Batch{KioskID: "K002", Txns: []txn.Txn{{ID: txn.NewID(), KioskID: "K002", Kind: txn.KindVATReturn}}}); !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("batch for another kiosk: %v", err)
	}
	if n, _ := store.Count(ctx); n != 1 {
		t.Fatalf("hall stored %d", n)
	}

	for _, c := range []struct{ name, url, dir, kiosk string }{
		{"plain http", "http://127.0.0.1:1", dir, "K001"},
		{"kiosk without certificate", ts.URL, dir, "K009"},
		{"empty certs directory", ts.URL, t.TempDir(), "K001"},
	} {
		if _, err := hallapi.NewTLSClient(c.url, c.dir, c.kiosk); !errors.Is(err, hallapi.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", c.name, err)
		}
	}
}
