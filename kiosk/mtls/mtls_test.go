package mtls_test

import (
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/mtls"
)

// TestClientConfigFromIssuedFiles: the files the hall's PKI issues are the ones the kiosk
// reads, under the names both sides agree on.
func TestClientConfigFromIssuedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	crt, key := mtls.KioskFiles("K001")
	if crt != "kiosk-K001.crt" || key != "kiosk-K001.key" {
		t.Fatalf("file names %q %q", crt, key)
	}
	cfg, signer, err := mtls.ClientConfig(dir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Certificates) != 1 || cfg.RootCAs == nil || cfg.MinVersion != tls.VersionTLS13 || len(signer) == 0 {
		t.Fatalf("client config %+v", cfg)
	}
	if _, _, err := mtls.ClientConfig(dir, "K002"); !errors.Is(err, mtls.ErrFiles) {
		t.Fatalf("a kiosk without files: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, mtls.CACert), []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := mtls.ClientConfig(dir, "K001"); !errors.Is(err, mtls.ErrFiles) {
		t.Fatalf("a CA file without a certificate: %v", err)
	}
}
