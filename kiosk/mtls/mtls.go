package mtls

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// CACert is the CA certificate's file name inside a certs directory.
const CACert = "ca.crt"

// KioskFiles returns the certificate and key file names of a kiosk.
func KioskFiles(kioskID string) (cert, key string) {
	return "kiosk-" + kioskID + ".crt", "kiosk-" + kioskID + ".key"
}

// ClientConfig is a kiosk's TLS configuration, and the private key it signs batches with.
// dir holds ca.crt and the kiosk's pair.
func ClientConfig(dir, kioskID string) (*tls.Config, ed25519.PrivateKey, error) {
	certFile, keyFile := KioskFiles(kioskID)
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), filepath.Join(dir, keyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	key, ok := pair.PrivateKey.(ed25519.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%w: kiosk key is not Ed25519", ErrFiles)
	}
	pool, err := CAPool(dir)
	if err != nil {
		return nil, nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS13}, key, nil
}

// CAPool is the CA certificate in dir as a pool, for verifying either side.
func CAPool(dir string) (*x509.CertPool, error) {
	data, err := os.ReadFile(filepath.Join(dir, CACert))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%w: %s holds no certificate", ErrFiles, CACert)
	}
	return pool, nil
}
