package countertest

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// Day is the fake counter's clock: the demo's Q3 items, due 2026-10-23, are then 43 days
// late, the figures the receipts' tests are worked by hand for.
var Day = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

// Taxpayer is the resident man of the demo registry, who acts for two enterprises.
var Taxpayer = &txn.Taxpayer{Name: "张建国", IDNumber: "410403196804153016", CardType: "resident"}

// New is a fake counter on Day, online, with Taxpayer identified and acting for the
// enterprises the demo registry lists for him.
func New(t testing.TB) *Fake {
	t.Helper()
	return &Fake{At: Day, Person: Taxpayer, List: Enterprises(t, registry.JianguoHardware, registry.YingchengMaterials),
		Head: counter.Letterhead{HallName: "卫东区办税服务厅", KioskID: "K-TEST", Location: time.UTC}}
}

// Catalog is the kiosk's translations.
func Catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// Enterprises are the demo registry's enterprises with codes.
func Enterprises(t testing.TB, codes ...string) []hallapi.Enterprise {
	t.Helper()
	var out []hallapi.Enterprise
	for _, code := range codes {
		e, ok := registry.Demo().Enterprise(code)
		if !ok {
			t.Fatalf("%s not in the demo registry", code)
		}
		out = append(out, e)
	}
	return out
}

// OpenOutbox opens a real outbox file under t.TempDir(), closed when the test ends.
func OpenOutbox(t testing.TB, kioskID string) *outbox.Outbox {
	t.Helper()
	key, err := seal.NewKey(bytes.Repeat([]byte{0x22}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), &outbox.Opts{KioskID: kioskID, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	return ob
}

// Fields reads a receipt's label/value pairs as printed, failing on a label printed twice:
// a legal receipt names each figure once.
func Fields(t testing.TB, doc *escpos.Document) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range doc.Blocks {
		if b.Kind != escpos.KindPair && b.Kind != escpos.KindAmount {
			continue
		}
		if _, dup := out[b.Text]; dup {
			t.Errorf("%q printed twice", b.Text)
		}
		out[b.Text] = b.Value
	}
	return out
}

// Expect checks that a receipt prints exactly want for each label (labels by catalogue key).
func Expect(t testing.TB, cat *i18n.Catalog, l i18n.Lang, got map[string]string, want map[string]string) {
	t.Helper()
	for key, v := range want {
		label := cat.T(l, key)
		if got[label] != v {
			t.Errorf("%s: %s (%s) = %q, want %q", l, label, key, got[label], v)
		}
	}
}
