package outbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"taxkiosk/kiosk/seal"
)

// LoadKey returns the sealing key at keyPath for the outbox file at path, and makes a fresh
// one only for an outbox that holds nothing (a new install, or a file not made yet). A
// missing key in front of records sealed with it is ErrKeyLost: a fresh key would leave
// every one of them unreadable, so the kiosk must stop and say so rather than start afresh.
func LoadKey(path, keyPath string) (*seal.Key, error) {
	if err := CheckKey(path, keyPath); err != nil {
		return nil, err
	}
	return seal.LoadOrCreateKey(keyPath)
}

// CheckKey is LoadKey's verdict without making or reading a key: ErrKeyLost when keyPath is
// missing and the outbox at path holds records; nil otherwise. It opens the outbox read-only
// and so fails with ErrLocked while a running kiosk holds it.
func CheckKey(path, keyPath string) error {
	if _, err := os.Stat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ob, err := Open(path, &Opts{ReadOnly: true})
	if errors.Is(err, ErrInvalid) { // a file with no outbox in it yet
		return nil
	}
	if err != nil {
		return err
	}
	defer ob.Close()
	st := ob.Stats()
	if n := st.Total + st.Quarantined; n > 0 {
		return fmt.Errorf("%w: %s is gone but %s holds %d transactions sealed with it: restore the key file from the installation's backup; the kiosk will not make a new key", ErrKeyLost, keyPath, path, n)
	}
	return nil
}
