package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Files of the staff pages' certificate, beside the kiosks' PKI.
const (
	StaffCACert = "staff-ca.crt" // install in the staff's browsers to trust the staff pages
	StaffCert   = "staff-pages.crt"
	StaffKey    = "staff-pages.key"
)

// The staff's browsers cannot use the kiosks' PKI: Chromium and Firefox accept no Ed25519
// signature in TLS or in a certificate chain. The staff pages therefore get their own small
// ECDSA P-256 chain: a staff CA (the certificate to install in the staff's browsers; its
// key is not kept, so it can sign nothing else) and a server certificate for the same
// names and addresses as the hall's server certificate.

// StaffConfig is the staff listener's TLS configuration: the staff certificate from dir,
// made on first use (with the hall server certificate's names), and no client
// certificate asked for: staff log in with a password, and a kiosk's certificate opens
// nothing there.
func StaffConfig(dir string, opts *Opts) (*tls.Config, error) {
	if _, err := os.Stat(filepath.Join(dir, StaffCert)); errors.Is(err, fs.ErrNotExist) {
		if err := initStaff(dir, opts); err != nil {
			return nil, err
		}
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, StaffCert), filepath.Join(dir, StaffKey))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

func initStaff(dir string, opts *Opts) error {
	o := opts.defaults()
	hall, err := os.ReadFile(filepath.Join(dir, ServerCert))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	block, _ := pem.Decode(hall)
	if block == nil {
		return fmt.Errorf("%w: %s holds no certificate", ErrFiles, ServerCert)
	}
	srv, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	now := o.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "taxkiosk hall staff CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(o.Validity),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	leaf := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "taxkiosk hall staff pages"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(min(o.Validity, 397*24*time.Hour)), // browsers refuse longer-lived server certificates
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     srv.DNSNames,
		IPAddresses:  srv.IPAddresses,
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, StaffKey), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return err
	}
	if err := writeCert(filepath.Join(dir, StaffCACert), caDER); err != nil {
		return err
	}
	return writeCert(filepath.Join(dir, StaffCert), der)
}
