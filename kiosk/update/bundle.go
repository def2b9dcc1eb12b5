package update

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
)

// Names of the first two archive entries.
const (
	manifestName  = "manifest.json"
	signatureName = "manifest.sig"
)

// maxManifest bounds what is read before the signature is checked.
const maxManifest = 1 << 20

// Manifest describes a bundle; it is what the signature covers.
type Manifest struct {
	DeviceType string `json:"device_type"` // e.g. taxkiosk-amd64
	Sequence   uint64 `json:"sequence"`    // grows with every release; never reused
	Version    string `json:"version"`     // for people: 1.4.2
	Files      []File `json:"files"`
}

// File is one file of the bundle.
type File struct {
	Path   string `json:"path"` // relative, slash-separated, no ".."
	SHA256 string `json:"sha256"`
	Mode   uint32 `json:"mode"` // permission bits, 0755 for a program
}

// Build writes a bundle of files (path → content) signed with key.
func Build(w io.Writer, m Manifest, files map[string][]byte, key ed25519.PrivateKey) error {
	m.Files = m.Files[:0:0]
	for _, p := range slices.Sorted(maps.Keys(files)) {
		sum := sha256.Sum256(files[p])
		m.Files = append(m.Files, File{Path: p, SHA256: hex.EncodeToString(sum[:]), Mode: 0o755})
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	put := func(name string, mode int64, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := put(manifestName, 0o644, mb); err != nil {
		return err
	}
	if err := put(signatureName, 0o644, ed25519.Sign(key, mb)); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := put(f.Path, int64(f.Mode), files[f.Path]); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Policy is what a kiosk accepts.
type Policy struct {
	Keys       []ed25519.PublicKey // pinned in the configuration; any one may sign
	DeviceType string              // this kiosk's
	Installed  uint64              // the newest sequence installed; a bundle must exceed it
}

// Open checks a bundle against p and hands each verified file to put, in manifest order.
// Nothing reaches put before the manifest's signature, device type and sequence have been
// checked; a file's content is checked as it is read, so put must treat its data as
// provisional until Open returns nil (Install writes to a temporary directory).
func Open(r io.Reader, p Policy, put func(f File, data io.Reader) error) (Manifest, error) {
	if len(p.Keys) == 0 {
		return Manifest{}, ErrNoKeys
	}
	tr := tar.NewReader(r)
	mb, err := entry(tr, manifestName)
	if err != nil {
		return Manifest{}, err
	}
	sig, err := entry(tr, signatureName)
	if errors.Is(err, errWrongEntry) || errors.Is(err, io.EOF) {
		return Manifest{}, ErrUnsigned
	}
	if err != nil {
		return Manifest{}, err
	}
	if !verified(p.Keys, mb, sig) {
		return Manifest{}, ErrSignature
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest: %v", ErrFormat, err)
	}
	if m.DeviceType != p.DeviceType {
		return m, fmt.Errorf("%w: %q, this kiosk is %q", ErrDeviceType, m.DeviceType, p.DeviceType)
	}
	if m.Sequence <= p.Installed {
		return m, fmt.Errorf("%w: bundle %d, installed %d", ErrNotNewer, m.Sequence, p.Installed)
	}
	for _, f := range m.Files {
		if !safePath(f.Path) {
			return m, fmt.Errorf("%w: path %q", ErrTampered, f.Path)
		}
		h, err := tr.Next()
		if err != nil || h.Name != f.Path {
			return m, fmt.Errorf("%w: expected %s", ErrTampered, f.Path)
		}
		sum := sha256.New()
		if err := put(f, io.TeeReader(tr, sum)); err != nil {
			return m, err
		}
		if hex.EncodeToString(sum.Sum(nil)) != f.SHA256 {
			return m, fmt.Errorf("%w: %s", ErrTampered, f.Path)
		}
	}
	if _, err := tr.Next(); err != io.EOF {
		return m, fmt.Errorf("%w: entries beyond the manifest", ErrTampered)
	}
	return m, nil
}

var errWrongEntry = errors.New("update: unexpected entry")

// entry reads the next archive entry, which must be called name and be small.
func entry(tr *tar.Reader, name string) ([]byte, error) {
	h, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if h.Name != name {
		if name == manifestName {
			return nil, fmt.Errorf("%w: first entry %q", ErrFormat, h.Name)
		}
		return nil, errWrongEntry
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(tr, maxManifest+1)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if b.Len() > maxManifest {
		return nil, fmt.Errorf("%w: %s too large", ErrFormat, name)
	}
	return b.Bytes(), nil
}

func verified(keys []ed25519.PublicKey, msg, sig []byte) bool {
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, sig) {
			return true
		}
	}
	return false
}

func safePath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && !strings.HasPrefix(p, "../") && p != ".." &&
		p != manifestName && p != signatureName
}

// ReadManifest reads a bundle's manifest without checking its signature or files: the hall
// files bundles by device type and sequence with it, and leaves every check to the kiosks,
// which alone hold the pinned keys.
func ReadManifest(r io.Reader) (Manifest, error) {
	mb, err := entry(tar.NewReader(r), manifestName)
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest: %v", ErrFormat, err)
	}
	if m.DeviceType == "" || m.Sequence == 0 || strings.ContainsAny(m.DeviceType, "/\\.") {
		return m, fmt.Errorf("%w: manifest names no device type or sequence", ErrFormat)
	}
	return m, nil
}
