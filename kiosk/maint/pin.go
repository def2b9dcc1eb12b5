package maint

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// scrypt parameters: N=2^15, r=8, p=1 costs about 32 MiB and tens of milliseconds, which a
// kiosk spends once per attempt and an attacker with a copied config spends per guess.
const (
	scryptN = 1 << 15
	scryptR = 8
	scryptP = 1
	keyLen  = 32
)

var (
	// ErrPIN: a PIN must be 6 to 12 digits.
	ErrPIN = errors.New("maint: a PIN is 6 to 12 digits")
	// ErrHash: a stored hash is not one HashPIN made.
	ErrHash = errors.New("maint: not a PIN hash")
)

// CheckPIN reports whether pin has the accepted form.
func CheckPIN(pin string) error {
	if len(pin) < 6 || len(pin) > 12 || strings.Trim(pin, "0123456789") != "" {
		return ErrPIN
	}
	return nil
}

// HashPIN returns "scrypt$N$r$p$salt$key" for pin, with a random salt.
func HashPIN(pin string) (string, error) {
	if err := CheckPIN(pin); err != nil {
		return "", err
	}
	return hashSecret(pin)
}

func hashSecret(secret string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := scrypt.Key([]byte(secret), salt, scryptN, scryptR, scryptP, keyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("scrypt$%d$%d$%d$%s$%s", scryptN, scryptR, scryptP, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPIN reports whether pin matches one of hashes. Malformed hashes never match.
func VerifyPIN(hashes []string, pin string) bool {
	if CheckPIN(pin) != nil {
		return false
	}
	return verify(hashes, pin)
}

func verify(hashes []string, secret string) bool {
	ok := false
	for _, h := range hashes {
		if m, err := matches(h, secret); err == nil && m {
			ok = true // no early return: every hash costs the same
		}
	}
	return ok
}

func matches(hash, pin string) (bool, error) {
	f := strings.Split(hash, "$")
	if len(f) != 6 || f[0] != "scrypt" {
		return false, ErrHash
	}
	n, err1 := strconv.Atoi(f[1])
	r, err2 := strconv.Atoi(f[2])
	p, err3 := strconv.Atoi(f[3])
	salt, err4 := base64.RawStdEncoding.DecodeString(f[4])
	want, err5 := base64.RawStdEncoding.DecodeString(f[5])
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil || n < 1<<14 || n > 1<<20 || r < 1 || r > 32 || p != 1 || len(want) != keyLen {
		return false, ErrHash
	}
	got, err := scrypt.Key([]byte(pin), salt, n, r, p, keyLen)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ValidateHashes reports the first stored hash that is not a PIN hash.
func ValidateHashes(hashes []string) error {
	for i, h := range hashes {
		if _, err := matches(h, "000000"); errors.Is(err, ErrHash) {
			return fmt.Errorf("%w: entry %d", ErrHash, i+1)
		}
	}
	return nil
}
