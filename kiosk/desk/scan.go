package desk

import (
	"errors"
	"time"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/txn"
)

// ScanKind is what a scanned code turned out to be.
type ScanKind string

const (
	ScanInvoice ScanKind = "invoice" // a VAT invoice's QR code: its fields, checked for form
	ScanReceipt ScanKind = "receipt" // a receipt this kiosk printed: where its transaction stands
	ScanForeign ScanKind = "foreign" // a receipt from another kiosk: the hall knows it
	ScanUnknown ScanKind = "unknown" // neither
)

// ReceiptView is what a scanned receipt may show to whoever holds it: no personal data,
// since anyone can pick a receipt up.
type ReceiptView struct {
	Number     string
	Kind       txn.Kind
	State      txn.State
	Message    string // the hall's text, when it has answered
	Code       string // the hall's result code (hallapi.Result...), when it has answered
	AcceptedAt time.Time
}

// ScanView is the screen's view of a scanned code.
type ScanView struct {
	Kind    ScanKind
	Invoice *scanner.Invoice
	Receipt *ReceiptView
}

// Lookup turns a scanned code into what the screen shows.
func (d *Desk) Lookup(c scanner.Code) ScanView {
	switch c.Kind {
	case scanner.KindVATInvoice:
		return ScanView{Kind: ScanInvoice, Invoice: c.Invoice}
	case scanner.KindKioskReceipt:
		if c.Receipt == nil || c.Receipt.KioskID != d.opts.KioskID {
			return ScanView{Kind: ScanForeign}
		}
		rec, err := d.outbox.Get(c.Receipt.TxnID)
		if errors.Is(err, outbox.ErrNotFound) || err != nil {
			if err != nil && !errors.Is(err, outbox.ErrNotFound) {
				d.log.Warn("desk: receipt lookup failed", "err", err)
			}
			return ScanView{Kind: ScanForeign}
		}
		v := &ReceiptView{Number: ReceiptNumber(rec.Txn.Seq), Kind: rec.Txn.Kind, State: rec.State, AcceptedAt: rec.Txn.CreatedAt.In(d.opts.Location)}
		if rec.State.Done() {
			v.Message, v.Code = rec.Result.Message, rec.Result.Code
		}
		return ScanView{Kind: ScanReceipt, Receipt: v}
	}
	return ScanView{Kind: ScanUnknown}
}

// HandleScan is the scanner's callback: the view goes to the screens as an event.
func (d *Desk) HandleScan(c scanner.Code) {
	d.sess.Touch()
	d.emit(Scanned{View: d.Lookup(c)})
}
