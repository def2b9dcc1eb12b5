package seal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != KeySize {
		t.Fatalf("key file mode %v size %d", fi.Mode().Perm(), fi.Size())
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed := k1.Seal([]byte("张伟"), []byte("k1/t1"))
	if pt, err := k2.Open(sealed, []byte("k1/t1")); err != nil || string(pt) != "张伟" {
		t.Fatalf("reloaded key cannot open: %q %v", pt, err)
	}
	if k1.String() != k2.String() || strings.Contains(k1.String(), "\x00") {
		t.Fatalf("fingerprints differ: %s %s", k1, k2)
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	wide := filepath.Join(dir, "wide.key")
	if err := os.WriteFile(wide, make([]byte, KeySize), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(wide, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(wide); !errors.Is(err, ErrKeyPermissions) {
		t.Fatalf("wide permissions: got %v", err)
	}
	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, make([]byte, 16), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(short); !errors.Is(err, ErrKeySize) {
		t.Fatalf("short key: got %v", err)
	}
	// The refused files are left as they were, for a technician to look at.
	if b, _ := os.ReadFile(short); len(b) != 16 {
		t.Fatal("short key file was modified")
	}
}

func TestOpenRejects(t *testing.T) {
	k, _ := NewKey(bytes.Repeat([]byte{7}, KeySize))
	other, _ := NewKey(bytes.Repeat([]byte{8}, KeySize))
	sealed := k.Seal([]byte("41040219800101123X"), []byte("kiosk-1/txn-a"))
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	for _, c := range []struct {
		name   string
		key    *Key
		sealed []byte
		aad    string
	}{
		{"other aad (record swapped)", k, sealed, "kiosk-1/txn-b"},
		{"other key", other, sealed, "kiosk-1/txn-a"},
		{"flipped bit", k, flipped, "kiosk-1/txn-a"},
		{"truncated", k, sealed[:20], "kiosk-1/txn-a"},
		{"empty", k, nil, "kiosk-1/txn-a"},
	} {
		if _, err := c.key.Open(c.sealed, []byte(c.aad)); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: got %v, want ErrOpen", c.name, err)
		}
	}
	if bytes.Contains(sealed, []byte("19800101")) {
		t.Fatal("plaintext visible in sealed bytes")
	}
	if _, err := NewKey(make([]byte, 31)); !errors.Is(err, ErrKeySize) {
		t.Fatalf("NewKey(31 bytes): %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	k, _ := NewKey(bytes.Repeat([]byte{1}, KeySize))
	f.Add(k.Seal([]byte("x"), []byte("a")), []byte("a"))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		pt, err := k.Open(sealed, aad)
		if err == nil {
			// Only genuine seals open; re-sealing must round-trip.
			if got, err := k.Open(k.Seal(pt, aad), aad); err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("round trip failed: %v", err)
			}
		}
	})
}

func ExampleKey_Seal() {
	k, _ := NewKey(bytes.Repeat([]byte{42}, KeySize))
	sealed := k.Seal([]byte("张伟"), []byte("K001/txn-1"))
	_, err := k.Open(sealed, []byte("K001/txn-2"))
	pt, _ := k.Open(sealed, []byte("K001/txn-1"))
	fmt.Println(string(pt), errors.Is(err, ErrOpen))
	// Output: 张伟 true
}

// TestLoadKeyNeverCreates: a tool reading an outbox must not leave a fresh key where the
// kiosk expects its own.
func TestLoadKeyNeverCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	if _, err := LoadKey(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("LoadKey of a missing file = %v, want ErrNotExist", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("LoadKey created a key file")
	}
	made, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := loaded.Open(made.Seal([]byte("x"), nil), nil); err != nil || string(got) != "x" {
		t.Fatalf("LoadKey read another key: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadKey(path); !errors.Is(err, ErrKeyPermissions) {
		t.Fatalf("LoadKey of a 0644 key = %v", err)
	}
}

func TestTagIsKeyedAndStable(t *testing.T) {
	a, _ := NewKey(bytes.Repeat([]byte{1}, KeySize))
	a2, _ := NewKey(bytes.Repeat([]byte{1}, KeySize))
	b, _ := NewKey(bytes.Repeat([]byte{2}, KeySize))
	id := []byte("410402198001011234")
	if !bytes.Equal(a.Tag(id), a2.Tag(id)) {
		t.Fatal("the same key tags the same data differently")
	}
	if bytes.Equal(a.Tag(id), b.Tag(id)) {
		t.Fatal("two keys give the same tag: the tag is not keyed")
	}
	if bytes.Equal(a.Tag(id), a.Tag([]byte("410402198001011235"))) {
		t.Fatal("two ID numbers share a tag")
	}
	if bytes.Contains(a.Tag(id), id[:8]) {
		t.Fatal("the tag carries the data")
	}
}

// One rule for every key file: the review found the TLS key loading at 0644 while this one
// was held to 0600.
func TestCheckKeyFileRefusesGroupOrOtherAccess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "any.key")
	if err := os.WriteFile(path, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o660, 0o602} {
		os.Chmod(path, mode)
		if _, err := CheckKeyFile(path); !errors.Is(err, ErrKeyPermissions) || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, err := CheckKeyFile(path); err != nil {
			t.Errorf("mode %04o refused: %v", mode, err)
		}
	}
	if _, err := CheckKeyFile(filepath.Dir(path)); err == nil {
		t.Error("a directory passed as a key file")
	}
}

// TestNoncesNeverRepeat: AES-GCM under one key loses both secrecy and integrity when a nonce
// repeats, and the kiosk seals every record under one key: sealing the same name for the same
// record many times must give a fresh nonce, and so a different result, every time.
func TestNoncesNeverRepeat(t *testing.T) {
	k, err := NewKey(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	pt, aad := []byte(`{"name":"张伟"}`), []byte("kiosk-1/txn-a")
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		sealed := k.Seal(pt, aad)
		nonce := string(sealed[:k.aead.NonceSize()])
		if seen[nonce] {
			t.Fatalf("nonce %x repeated after %d seals", nonce, i)
		}
		seen[nonce] = true
	}
}
