package hallapi

import (
	"time"

	"taxkiosk/kiosk/money"
)

// Paths of the endpoints the taxpayer services read. Enterprise details are
// PathEnterprises + "/" + the unified social credit code.
const (
	PathLookup        = "/v1/lookup"
	PathEnterprises   = "/v1/enterprises"
	PathQueue         = "/v1/queue"
	PathQueueCall     = "/v1/queue/call"
	PathVerifyInvoice = "/v1/verify-invoice"
)

// Text is a message the hall gives in both of the kiosk's languages.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Roles a person may hold for an enterprise.
const (
	RoleLegalRepresentative = "legal_representative"
	RoleFinancialOfficer    = "financial_officer"
	RoleTaxAgent            = "tax_agent"
)

// Filing periods; the values are those of vatreturn.PeriodType.
const (
	FilingMonthly   = "monthly"
	FilingQuarterly = "quarterly"
)

// LookupRequest asks which enterprises a person may act for. The ID number travels in the
// body of a POST, never in a URL, so that it stays out of access logs and proxies. Session
// is required: the hall answers only about the person whose card the kiosk just read.
type LookupRequest struct {
	IDNumber string   `json:"id_number"`
	Session  *Session `json:"session,omitempty"`
}

// Session names the card session a lookup or a payment belongs to: when the kiosk read the
// ID card and the SAM (the reader's security module, whose id the reader reports) that read
// it. The hall refuses a lookup or payment without one, or with a card read too long
// before it, and records who asks about whom.
type Session struct {
	CardReadAt time.Time `json:"card_read_at"`
	SAMID      string    `json:"sam_id"`
}

// LookupResponse lists the enterprises of a person, each with the person's Role and the
// full details, so that a kiosk can cache one answer for offline use. A person the hall
// does not know gets an empty list, not an error.
type LookupResponse struct {
	Enterprises []Enterprise `json:"enterprises"`
}

// Enterprise is what the hall knows about one taxpayer enterprise. Lists are never null.
type Enterprise struct {
	CreditCode   string `json:"credit_code"` // unified social credit code, GB 32100
	Name         string `json:"name"`        // registered Chinese name
	NameEN       string `json:"name_en"`
	Role         string `json:"role,omitempty"` // the asking person's role; only in LookupResponse
	SmallScale   bool   `json:"small_scale"`    // small-scale VAT taxpayer (小规模纳税人)
	FilingPeriod string `json:"filing_period"`  // FilingMonthly or FilingQuarterly
	// Agreement is the tripartite (taxpayer, tax office, bank) debit agreement taxes are paid
	// through; nil: none, so the kiosk cannot take payments for this enterprise.
	Agreement    *Agreement        `json:"agreement,omitempty"`
	Approvals    []InvoiceApproval `json:"approvals"`
	Outstanding  []TaxItem         `json:"outstanding"`  // unpaid taxes, oldest due first
	Certificates []Certificate     `json:"certificates"` // paid-tax certificates (完税证明) to print
	Reminders    []RiskReminder    `json:"reminders"`    // shown before a VAT return is submitted
}

// Agreement is a tripartite debit agreement. The account number is masked by the hall.
type Agreement struct {
	ID      string `json:"id"`
	Bank    Text   `json:"bank"`
	Account string `json:"account"` // masked, e.g. "6222 **** **** 6617"
}

// InvoiceApproval is one invoice type the enterprise may collect paper invoices of.
type InvoiceApproval struct {
	TypeCode         string       `json:"type_code"` // PROTOCOLS.md section 3, e.g. "04"
	Name             Text         `json:"name"`
	MaxPerCollection int          `json:"max_per_collection"` // invoices per collection
	MaxAmount        money.Amount `json:"max_amount"`         // highest amount one invoice may carry (最高开票限额)
}

// TaxItem is one outstanding tax.
type TaxItem struct {
	ID      string       `json:"id"`       // unique within the enterprise; what a payment names
	TaxKind string       `json:"tax_kind"` // e.g. "vat", "urban_maintenance"
	Name    Text         `json:"name"`     // the tax kind's name
	Period  string       `json:"period"`   // "2026-11" or "2026-Q3"
	Amount  money.Amount `json:"amount"`
	Due     string       `json:"due"` // last day to pay, YYYY-MM-DD
}

// Certificate is a paid tax whose certificate the kiosk may print.
type Certificate struct {
	ID      string       `json:"id"`
	TaxKind string       `json:"tax_kind"`
	Name    Text         `json:"name"`
	Period  string       `json:"period"`
	Amount  money.Amount `json:"amount"`
	PaidOn  string       `json:"paid_on"` // YYYY-MM-DD
}

// RiskReminder is one of the hall's risk findings about an enterprise.
type RiskReminder struct {
	Code    string `json:"code"` // one of the Risk constants
	Message Text   `json:"message"`
}

// Risk reminder codes.
const (
	RiskZeroReturns      = "consecutive_zero_returns"      // several zero returns in a row
	RiskLowBurden        = "tax_burden_low"                // tax burden far below the industry's
	RiskInvoicedAboveDec = "invoiced_sales_above_declared" // invoiced sales above declared sales
)

// Queue business types and the letter their numbers start with.
const (
	BusinessFiling       = "filing"       // A: returns and payment
	BusinessInvoice      = "invoice"      // B: invoices
	BusinessRegistration = "registration" // C: registration and changes
	BusinessConsulting   = "consulting"   // D: questions
)

// QueueRequest asks for a ticket (PathQueue) or, from a counter, calls the next one
// (PathQueueCall).
type QueueRequest struct {
	Business string `json:"business"`
}

// Ticket is a queue number. From PathQueue, Waiting is how many tickets of the same business
// are ahead of this one; from PathQueueCall, Number is the ticket called and Waiting how many
// remain. Numbers restart every day (China Standard Time).
type Ticket struct {
	Business string    `json:"business"`
	Number   string    `json:"number"` // e.g. "B017"; "" from PathQueueCall when nobody waits
	Waiting  int       `json:"waiting"`
	IssuedAt time.Time `json:"issued_at"` // when the hall answered
}

// InvoiceQuery is an invoice to verify: the fields of its QR code (drivers/scanner Invoice)
// or typed from the paper. CheckCode may be the full 20 digits or the last 6, as typed.
type InvoiceQuery struct {
	TypeCode      string `json:"type_code"`
	InvoiceCode   string `json:"invoice_code"` // "" on fully digitalised (数电) invoices
	InvoiceNumber string `json:"invoice_number"`
	Amount        string `json:"amount"` // yuan, as printed
	Date          string `json:"date"`   // YYYYMMDD
	CheckCode     string `json:"check_code,omitempty"`
}

// Verification results.
const (
	InvoiceGenuine  = "genuine"   // the hall holds this invoice with these fields
	InvoiceNotFound = "not_found" // no invoice with this code and number
	InvoiceMismatch = "mismatch"  // the invoice exists but Fields differ from it
)

// Verification answers PathVerifyInvoice.
type Verification struct {
	Result  string   `json:"result"` // InvoiceGenuine, InvoiceNotFound or InvoiceMismatch
	Fields  []string `json:"fields"` // with InvoiceMismatch: the InvoiceQuery json names that differ
	Message Text     `json:"message"`
}

// Bodies of the transactions of the taxpayer services, as the hall reads them. A VAT return's
// body is vatreturn.Return plus RiskAck (see VATReturnRisk).

// InvoiceCollectionBody is the body of an "invoice_collection" transaction.
type InvoiceCollectionBody struct {
	CreditCode string `json:"credit_code"`
	TypeCode   string `json:"type_code"`
	Quantity   int    `json:"quantity"`
}

// TaxPaymentBody is the body of a "tax_payment" transaction: the items paid at once and their
// total, which the hall checks against its own amounts. Total includes Surcharge, the
// late-payment surcharge of the overdue items up to the day the payment was accepted
// (package latepay); the hall computes both again.
type TaxPaymentBody struct {
	CreditCode string       `json:"credit_code"`
	Items      []string     `json:"items"` // TaxItem ids
	Total      money.Amount `json:"total"`
	Surcharge  money.Amount `json:"surcharge,omitempty"`
	Session    *Session     `json:"session,omitempty"` // required: the card session the payment was made in
}

// CertificateBody is the body of a "certificate" transaction (one printed certificate).
type CertificateBody struct {
	CreditCode    string `json:"credit_code"`
	CertificateID string `json:"certificate_id"`
}

// QueueTicketBody is the body of a "queue_ticket" transaction. Number is the ticket the kiosk
// got online; "" when it printed the ticket offline, and the hall then assigns one.
type QueueTicketBody struct {
	Business string `json:"business"`
	Number   string `json:"number,omitempty"`
}

// VATReturnRisk is the part of a "vat_return" body the hall's risk check reads, next to
// vatreturn.Return's fields: RiskAck says the taxpayer saw the enterprise's reminders and
// confirmed; RiskShown lists the codes shown, for the record.
type VATReturnRisk struct {
	RiskAck   bool     `json:"risk_ack,omitempty"`
	RiskShown []string `json:"risk_shown,omitempty"`
}

// An "invoice_verification" transaction's body is an InvoiceQuery.

// Result codes (txn.Result.Code) of the taxpayer services' transactions. Message carries the
// parameter named beside a code, language-neutral; the kiosk words the code itself.
const (
	ResultAccepted           = "accepted"            // vat_return, invoice_collection approved
	ResultRiskReview         = "risk_review"         // vat_return: reminders not confirmed; counter visit
	ResultPaid               = "paid"                // tax_payment approved; Message: the total
	ResultIssued             = "issued"              // certificate approved
	ResultQueued             = "queued"              // queue_ticket approved; Message: the number
	ResultSeatNotified       = "seat_notified"       // help_request approved
	ResultCallCancelled      = "call_cancelled"      // help_cancel approved: the seat's list no longer shows the call
	ResultUnknownCall        = "unknown_call"        // help_cancel: the kiosk made no such help_request; Message: the id named
	ResultRecorded           = "recorded"            // tamper_alarm, rating, audit approved
	ResultBadBody            = "bad_body"            // the body cannot be read or lacks a field; Message: the field, if one
	ResultNoTaxpayer         = "no_taxpayer"         // a person's service without the card holder's name and ID number
	ResultBadAmount          = "bad_amount"          // an amount not "yuan.fen" with two places, negative or too large; Message: the field
	ResultBadPeriod          = "bad_period"          // a period or date that does not exist or has not begun; Message: the period
	ResultTaxMismatch        = "tax_mismatch"        // vat_return: computed fields differ from the rules table's; Message: the hall's tax payable, or its surcharges' total when only they differ
	ResultUnknownEnterprise  = "unknown_enterprise"  // the credit code is not in the registry
	ResultNotAuthorised      = "not_authorised"      // the card holder may not act for the enterprise
	ResultTypeNotApproved    = "type_not_approved"   // invoice_collection; Message: the type code
	ResultOverLimit          = "over_limit"          // invoice_collection; Message: the approved maximum
	ResultNotOutstanding     = "not_outstanding"     // tax_payment; Message: the item id
	ResultPaidByOther        = "paid_by_other"       // tax_payment: another transaction paid it; Message: the item id
	ResultTotalMismatch      = "total_mismatch"      // tax_payment; Message: the hall's total
	ResultNoAgreement        = "no_agreement"        // tax_payment: no tripartite agreement
	ResultNoSession          = "no_session"          // tax_payment: no card session, or one too long before the payment
	ResultUnknownCertificate = "unknown_certificate" // certificate; Message: the certificate id
	// invoice_verification answers with InvoiceGenuine (approved), InvoiceNotFound or
	// InvoiceMismatch (rejected; Message: the differing fields, comma separated).
)
