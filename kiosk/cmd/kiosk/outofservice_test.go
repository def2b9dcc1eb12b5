package main

import (
	"fmt"
	"testing"

	"taxkiosk/assets"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
)

// Each cause that keeps the kiosk from opening has its own plain instruction for the
// technician on the out-of-service screen, in the catalogue in both languages.
func TestTechReasonForEachCause(t *testing.T) {
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	for err, want := range map[error]string{
		outbox.ErrKeyLost:           "oos.tech.key_lost",
		outbox.ErrWrongKey:          "oos.tech.wrong_key",
		seal.ErrKeyPermissions:      "oos.tech.key_permissions",
		outbox.ErrCorrupt:           "oos.tech.corrupt",
		outbox.ErrLocked:            "oos.tech.locked",
		outbox.ErrDiskFull:          "oos.tech.disk_full",
		errOutOfServiceMode:         "oos.tech.restarts",
		fmt.Errorf("anything else"): "oos.tech",
	} {
		got := techReason(fmt.Errorf("terminal: open: %w", err))
		if got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
		if !cat.Has(got) {
			t.Errorf("%s is not in the catalogue", got)
		}
	}
}
