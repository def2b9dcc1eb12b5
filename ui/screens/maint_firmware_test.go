package screens

import (
	"bytes"
	"crypto/ed25519"
	"path/filepath"
	"strings"
	"testing"

	"taxkiosk/kiosk/update"
)

// TestDevicesPageShowsFirmware: with an update installed and waiting for the idle screen and
// a bundle refused, the devices page names the version waiting and the refusal with its reason.
func TestDevicesPageShowsFirmware(t *testing.T) {
	h := newHarness(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{6}, ed25519.SeedSize))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	slots, err := update.New(update.Opts{Dir: filepath.Join(t.TempDir(), "firmware"),
		Policy: update.Policy{Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, DeviceType: "taxkiosk-test"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []ed25519.PrivateKey{key, other} {
		var b bytes.Buffer
		update.Build(&b, update.Manifest{DeviceType: "taxkiosk-test", Sequence: 5}, map[string][]byte{"kiosk": []byte("5")}, k)
		slots.Install(&b)
	}
	h.term.SetFirmware(update.NewAgent(update.AgentOpts{Slots: slots}))
	h.enterMaint()
	h.touch("maint.page.devices")
	for _, want := range []string{"固件", "出厂版本 · 版本 5 待空闲时切换", "最近更新", "已拒绝 ·", update.ErrSignature.Error()} {
		if !strings.Contains(h.text(), want) {
			t.Errorf("device board lacks %q:\n%s", want, h.text())
		}
	}
}
