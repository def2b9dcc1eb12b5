package certs_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hall/certs"
)

// TestStaffConfig: the staff pages' certificate is ECDSA (browsers accept no Ed25519),
// made once for the hall's names, and verifies against the staff CA.
func TestStaffConfig(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, &certs.Opts{Hosts: []string{"127.0.0.1", "hall.example.cn"}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := certs.StaffConfig(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if leaf.PublicKeyAlgorithm != x509.ECDSA || cfg.ClientAuth != tls.NoClientCert {
		t.Fatalf("staff certificate %v, client auth %v", leaf.PublicKeyAlgorithm, cfg.ClientAuth)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, certs.StaffCACert))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "hall.example.cn"}); err != nil {
		t.Fatal(err)
	}
	again, err := certs.StaffConfig(dir, nil) // the second start reuses it
	if err != nil || !bytes.Equal(again.Certificates[0].Certificate[0], cfg.Certificates[0].Certificate[0]) {
		t.Fatalf("second StaffConfig made a new certificate: %v", err)
	}
}
