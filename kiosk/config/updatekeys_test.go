package config

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func TestUpdateKeys(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	path := filepath.Join(t.TempDir(), "kiosk.json")
	os.WriteFile(path, []byte(`{"update_keys": ["`+base64.StdEncoding.EncodeToString(pub)+`"]}`), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.UpdatePublicKeys()
	if err != nil || len(keys) != 1 || !keys[0].Equal(pub) {
		t.Fatalf("keys %v, %v", keys, err)
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString(pub[:31])} {
		c.UpdateKeys = []string{bad}
		if err := c.Validate(); err == nil {
			t.Errorf("update key %q accepted", bad)
		}
	}
	if keys, err := Default().UpdatePublicKeys(); err != nil || len(keys) != 0 {
		t.Errorf("the default pins a key: %v %v", keys, err)
	}
}
