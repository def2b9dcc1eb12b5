package certs_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

func TestInitIssueFiles(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Init(dir, nil); !errors.Is(err, certs.ErrExists) {
		t.Fatalf("second Init: %v", err)
	}
	if err := certs.Issue(dir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, "K001", nil); !errors.Is(err, certs.ErrExists) {
		t.Fatalf("second Issue: %v", err)
	}
	for _, bad := range []string{"", "../etc", "a b", "K/1"} {
		if err := certs.Issue(dir, bad, nil); !errors.Is(err, certs.ErrInvalid) {
			t.Errorf("Issue(%q): %v", bad, err)
		}
	}
	_, kioskKey := mtls.KioskFiles("K001")
	for _, f := range []string{certs.CAKey, certs.ServerKey, kioskKey} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi.Mode(), err)
		}
	}
	if err := certs.Issue(t.TempDir(), "K001", nil); !errors.Is(err, certs.ErrFiles) {
		t.Fatalf("Issue without a CA: %v", err)
	}
}

// hallTLS serves a hall requiring kiosk certificates, with the CA in dir.
func hallTLS(t *testing.T, dir string) (*httptest.Server, hall.Store) {
	key, _ := seal.NewKey(bytes.Repeat([]byte{9}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg, err := certs.ServerConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hall.New(store, &hall.Opts{RequireKiosk: true}))
	ts.TLS = cfg
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts, store
}

func client(t *testing.T, url string, cfg *tls.Config, sign []byte) *hallapi.Client {
	return &hallapi.Client{BaseURL: url, SigningKey: sign,
		HTTP: &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}}
}

func batch(kiosk string) hallapi.Batch {
	return hallapi.Batch{KioskID: kiosk, Txns: []txn.Txn{{ID: txn.NewID(), Kind: txn.KindVATReturn}}}
}

func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	certs.Issue(dir, "K001", nil)
	certs.Issue(dir, "K002", nil)
	ts, store := hallTLS(t, dir)
	ctx := context.Background()
	k1, k1key, err := mtls.ClientConfig(dir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	_, k2key, _ := mtls.ClientConfig(dir, "K002")

	resp, err := client(t, ts.URL, k1, k1key).SendBatch(ctx, batch("K001"))
	if err != nil || len(resp.Accepted) != 1 {
		t.Fatalf("kiosk with its own certificate: %+v %v", resp, err)
	}

	other := t.TempDir()
	certs.Init(other, nil)
	certs.Issue(other, "K001", nil)
	foreign, foreignKey, _ := mtls.ClientConfig(other, "K001")
	foreign.RootCAs = k1.RootCAs // trusts the hall, but the hall does not trust it

	noCert := k1.Clone()
	noCert.Certificates = nil

	for _, c := range []struct {
		name string
		c    *hallapi.Client
		b    hallapi.Batch
		is   error
		code string
	}{
		{"posts for another kiosk", client(t, ts.URL, k1, k1key), batch("K002"), hallapi.ErrRejected, hallapi.CodeWrongKiosk},
		{"unsigned", client(t, ts.URL, k1, nil), batch("K001"), hallapi.ErrRejected, hallapi.CodeBadSig},
		{"signed with another kiosk's key", client(t, ts.URL, k1, k2key), batch("K001"), hallapi.ErrRejected, hallapi.CodeBadSig},
		{"no client certificate", client(t, ts.URL, noCert, k1key), batch("K001"), hallapi.ErrUnreachable, ""},
		{"certificate of another CA", client(t, ts.URL, foreign, foreignKey), batch("K001"), hallapi.ErrUnreachable, ""},
	} {
		_, err := c.c.SendBatch(ctx, c.b)
		var herr *hallapi.Error
		if !errors.Is(err, c.is) || c.code != "" && (!errors.As(err, &herr) || herr.Code != c.code) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := client(t, ts.URL, k1, k1key).Results(ctx, "K002", 0); !errors.Is(err, hallapi.ErrRejected) {
		t.Errorf("results of another kiosk: %v", err)
	}
	if n, _ := store.Count(ctx); n != 1 {
		t.Fatalf("hall stored %d, want only the authorised batch", n)
	}
}
