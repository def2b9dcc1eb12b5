package txn

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/money"
)

// Kind names a service's transaction type.
type Kind string

const (
	KindVATReturn           Kind = "vat_return"           // small-scale taxpayer VAT return (zero return included)
	KindHelpRequest         Kind = "help_request"         // a call for the hall's expert seat
	KindHelpCancel          Kind = "help_cancel"          // the taxpayer withdrew their call (取消呼叫)
	KindTamper              Kind = "tamper_alarm"         // the cabinet door opened outside maintenance
	KindRating              Kind = "rating"               // a taxpayer's rating of the visit; anonymous
	KindAudit               Kind = "audit"                // a technician's action: maintenance entry, a failed PIN, a test print
	KindInvoiceCollection   Kind = "invoice_collection"   // an application to collect invoices
	KindTaxPayment          Kind = "tax_payment"          // payment through the bank agreement
	KindCertificate         Kind = "certificate"          // a tax payment certificate printed
	KindInvoiceVerification Kind = "invoice_verification" // an invoice checked with the hall
	KindQueueTicket         Kind = "queue_ticket"         // a counter queue ticket
)

// Txn is one accepted transaction.
type Txn struct {
	ID        string          `json:"id"`  // UUID v4; the idempotency key at the hall
	Seq       uint64          `json:"seq"` // per-kiosk, monotonic, gap-free; assigned by the outbox
	KioskID   string          `json:"kiosk_id"`
	Kind      Kind            `json:"kind"`
	CreatedAt time.Time       `json:"created_at"`
	Taxpayer  *Taxpayer       `json:"taxpayer,omitempty"` // personal data; sealed at rest
	Body      json.RawMessage `json:"body"`               // service fields; no personal data
}

// Taxpayer is the personal data of the person who made the transaction.
type Taxpayer struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	CardType string `json:"card_type"` // "resident", "hmt_residence_permit", "foreign_permanent"
	Address  string `json:"address,omitempty"`
}

// String never shows personal data: it is safe for logs.
func (t *Taxpayer) String() string {
	if t == nil {
		return "<nobody>"
	}
	return fmt.Sprintf("%s %s", mask.Name(t.Name), mask.ID(t.IDNumber))
}

// State is where a transaction stands on its way to the hall and back.
type State string

const (
	Queued       State = "queued"        // durable on the kiosk, not yet sent
	Sending      State = "sending"       // in a batch on the wire
	Acknowledged State = "acknowledged"  // the hall stored it; result pending
	Approved     State = "approved"      // the hall's result
	Rejected     State = "rejected"      // the hall's result
	CounterVisit State = "counter_visit" // the hall asks the taxpayer to come to a counter
)

// Done reports whether the hall has answered with a result.
func (s State) Done() bool { return s == Approved || s == Rejected || s == CounterVisit }

// Result is the hall's answer to a transaction.
type Result struct {
	State   State     `json:"state"`             // Approved, Rejected or CounterVisit
	Code    string    `json:"code,omitempty"`    // the hall's reason code
	Message string    `json:"message,omitempty"` // the hall's text for the taxpayer
	At      time.Time `json:"at"`
}

// NewID returns a random UUID v4 string.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ReceiptNumber is the number a taxpayer quotes at a counter, and the help call number the
// screen and the seat's page both show: the kiosk's sequence number, zero-padded to 8.
func ReceiptNumber(seq uint64) string { return fmt.Sprintf("%08d", seq) }

// ReceiptCode is what the receipt's QR code carries: the kiosk and transaction ids.
// The scanner recognises it by its "TK1:" prefix.
func ReceiptCode(kioskID, txnID string) string { return "TK1:" + kioskID + ":" + txnID }

// Pending is what waits for the hall (queued or sending) of one kind of transaction, as the
// outbox counts it and the offline policy (kiosk/policy) judges it.
type Pending struct {
	Count  int
	Amount money.Amount // sum of the transactions' amounts
	Oldest time.Time    // CreatedAt of the oldest; zero when Count is 0
}
