package txn

import (
	"regexp"
	"strings"
	"testing"

	"taxkiosk/drivers/scanner"
)

func TestTaxpayerStringMasked(t *testing.T) {
	tp := &Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"}
	if s := tp.String(); strings.Contains(s, "伟") || strings.Contains(s, "19800101") {
		t.Errorf("Taxpayer.String leaks personal data: %q", s)
	}
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

// TestReceiptCodeScans: the scanner driver, which may not import this package, reads back
// the codes printed on receipts as the receipt of this transaction.
func TestReceiptCodeScans(t *testing.T) {
	c := scanner.Parse([]byte(ReceiptCode("K-0001", "2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10")))
	if c.Kind != scanner.KindKioskReceipt || c.Receipt == nil ||
		c.Receipt.KioskID != "K-0001" || c.Receipt.TxnID != "2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10" {
		t.Fatalf("scanned receipt code: %+v", c)
	}
}
