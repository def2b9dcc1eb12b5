package certs

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"taxkiosk/kiosk/mtls"
)

// File names inside a certs directory; the CA certificate's and the kiosks' are
// mtls.CACert and mtls.KioskFiles, which the kiosk reads without this package.
const (
	CAKey      = "ca.key"
	ServerCert = "server.crt"
	ServerKey  = "server.key"
)

// Opts configures Init and Issue. A nil *Opts means all defaults.
type Opts struct {
	Hosts    []string         // server certificate names and IPs; zero: 127.0.0.1, ::1, localhost
	Now      func() time.Time // zero: time.Now
	Validity time.Duration    // leaf certificates; zero: 2 years (the CA gets 5 times as long)
}

func (o *Opts) defaults() Opts {
	var d Opts
	if o != nil {
		d = *o
	}
	if len(d.Hosts) == 0 {
		d.Hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Validity <= 0 {
		d.Validity = 2 * 365 * 24 * time.Hour
	}
	return d
}

var kioskIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Init creates a CA and the hall's server certificate in dir.
func Init(dir string, opts *Opts) error {
	o := opts.defaults()
	if _, err := os.Stat(filepath.Join(dir, CAKey)); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, filepath.Join(dir, CAKey))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	now := o.Now()
	caPub, caPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "taxkiosk hall CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(5 * o.Validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caPub, caPriv)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	srv := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "taxkiosk hall"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(o.Validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range o.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			srv.IPAddresses = append(srv.IPAddresses, ip)
		} else if h != "" {
			srv.DNSNames = append(srv.DNSNames, h)
		}
	}
	if err := writeLeaf(dir, ServerCert, ServerKey, srv, ca, caPriv); err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, CAKey), caPriv); err != nil {
		return err
	}
	return writeCert(filepath.Join(dir, mtls.CACert), caDER)
}

// Issue creates the client certificate of kioskID, signed by the CA in dir.
func Issue(dir, kioskID string, opts *Opts) error {
	o := opts.defaults()
	if !kioskIDPattern.MatchString(kioskID) {
		return fmt.Errorf("%w: kiosk id %q", ErrInvalid, kioskID)
	}
	certFile, keyFile := mtls.KioskFiles(kioskID)
	if _, err := os.Stat(filepath.Join(dir, certFile)); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, filepath.Join(dir, certFile))
	}
	ca, caKey, err := loadPair(filepath.Join(dir, mtls.CACert), filepath.Join(dir, CAKey))
	if err != nil {
		return err
	}
	now := o.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: kioskID, OrganizationalUnit: []string{"kiosk"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(o.Validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return writeLeaf(dir, certFile, keyFile, tmpl, ca, caKey)
}

// ServerConfig is the hall's TLS configuration: its certificate, and client certificates
// required and verified against the CA.
func ServerConfig(dir string) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, ServerCert), filepath.Join(dir, ServerKey))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	pool, err := mtls.CAPool(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

// ClientConfig is mtls.ClientConfig, for the hall's side when it stands in for a kiosk (its
// tests, tools): the kiosk itself reads its files through kiosk/mtls and links nothing here.
func ClientConfig(dir, kioskID string) (*tls.Config, ed25519.PrivateKey, error) {
	return mtls.ClientConfig(dir, kioskID)
}

// Peer returns the kiosk id and signing key of a verified client certificate.
func Peer(cs *tls.ConnectionState) (kioskID string, pub ed25519.PublicKey, ok bool) {
	if cs == nil || len(cs.VerifiedChains) == 0 || len(cs.VerifiedChains[0]) == 0 {
		return "", nil, false
	}
	leaf := cs.VerifiedChains[0][0]
	pub, ok = leaf.PublicKey.(ed25519.PublicKey)
	return leaf.Subject.CommonName, pub, ok && leaf.Subject.CommonName != ""
}

func loadPair(certPath, keyPath string) (*x509.Certificate, ed25519.PrivateKey, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	key, ok := pair.PrivateKey.(ed25519.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%w: CA key is not Ed25519", ErrFiles)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFiles, err)
	}
	return cert, key, nil
}

func writeLeaf(dir, certFile, keyFile string, tmpl, ca *x509.Certificate, caKey ed25519.PrivateKey) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
	if err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, keyFile), priv); err != nil {
		return err
	}
	return writeCert(filepath.Join(dir, certFile), der)
}

func writeKey(path string, key ed25519.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writeFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}

func writeCert(path string, der []byte) error {
	return writeFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// writeFile never overwrites: a CA key replaced by accident would orphan every kiosk.
func writeFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n
}
