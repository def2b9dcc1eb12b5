package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// Key seals and opens personal data. It is safe for concurrent use.
type Key struct {
	aead cipher.AEAD
	tag  []byte // HMAC key for Tag, derived from the raw key so one file holds both
	id   string // short fingerprint for logs; reveals nothing useful about the key
}

// NewKey makes a Key from KeySize raw bytes.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrKeySize, len(raw), KeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("taxkiosk/seal key id\x00"), raw...))
	m := hmac.New(sha256.New, raw)
	m.Write([]byte("taxkiosk/seal tag key"))
	return &Key{aead: aead, tag: m.Sum(nil), id: hex.EncodeToString(sum[:4])}, nil
}

// LoadOrCreateKey reads the key at path, or creates it with fresh random bytes and mode 0600
// when no file exists there yet.
func LoadOrCreateKey(path string) (*Key, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return createKey(path)
	}
	return LoadKey(path)
}

// LoadKey reads the key at path and never creates one: tools that only read an outbox must
// not leave a fresh key where the kiosk expects its own.
func LoadKey(path string) (*Key, error) {
	fi, err := CheckKeyFile(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() != KeySize {
		return nil, fmt.Errorf("%w: %s has %d bytes, want %d", ErrKeySize, path, fi.Size(), KeySize)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	return NewKey(raw)
}

// CheckKeyFile is the one rule for every private key file the kiosk holds (this sealing key,
// the TLS client and signing key): a regular file that neither group nor others may read or
// write. A key another user could read is no longer secret, so the kiosk refuses to use it
// rather than widen the leak; the fix is chmod 600, not a new key.
func CheckKeyFile(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrKeySize, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; chmod 600 it", ErrKeyPermissions, path, perm)
	}
	return fi, nil
}

func createKey(path string) (*Key, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	// O_EXCL: two processes starting at once must not each write a different key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: create key file: %w", err)
	}
	_, err = f.Write(raw)
	if err == nil {
		err = f.Sync() // a key lost to a power cut would orphan every record sealed with it
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("seal: write key file: %w", err)
	}
	return NewKey(raw)
}

// Seal encrypts plaintext bound to aad. The result starts with a random nonce.
func (k *Key) Seal(plaintext, aad []byte) []byte {
	ns := k.aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand does not fail on Linux; a repeated nonce would be worse
	}
	return k.aead.Seal(out, out, plaintext, aad)
}

// Open decrypts what Seal returned for the same aad.
func (k *Key) Open(sealed, aad []byte) ([]byte, error) {
	ns := k.aead.NonceSize()
	if len(sealed) < ns+k.aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrOpen, len(sealed))
	}
	pt, err := k.aead.Open(nil, sealed[:ns], sealed[ns:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrOpen)
	}
	return pt, nil
}

// Tag is a keyed digest (HMAC-SHA256) of data: a stable lookup key for personal data, such as
// an ID number, that must not be stored in the clear. Without the key file a tag cannot be
// tested against guessed ID numbers.
func (k *Key) Tag(data []byte) []byte {
	m := hmac.New(sha256.New, k.tag)
	m.Write(data)
	return m.Sum(nil)
}

// ID is the key's fingerprint (8 hex digits of a domain-separated digest): enough to tell
// two keys apart, nothing to learn the key from.
func (k *Key) ID() string { return k.id }

// String names the key by a fingerprint, never by its bytes.
func (k *Key) String() string { return "seal.Key(aes-256-gcm " + k.id + ")" }
