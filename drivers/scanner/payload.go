package scanner

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Kind is what a scanned code turned out to be.
type Kind string

const (
	KindVATInvoice   Kind = "vat_invoice"   // a Chinese VAT invoice QR code
	KindKioskReceipt Kind = "kiosk_receipt" // a receipt this kiosk fleet printed (txn.ReceiptCode)
	KindOther        Kind = "other"         // anything else; only Raw is set
)

// ReceiptCodePrefix marks the codes kiosk receipts carry (kiosk/txn.ReceiptCode makes them;
// a test there checks that this package reads them back).
const ReceiptCodePrefix = "TK1:"

// Code is one decoded scan.
type Code struct {
	Raw     string      // the payload as text: UTF-8 as sent, or decoded from GB18030
	Kind    Kind        // which of Invoice and Receipt is set
	Invoice *Invoice    // set when Kind is KindVATInvoice
	Receipt *ReceiptRef // set when Kind is KindKioskReceipt
}

// Invoice is the content of a VAT invoice QR code. Invalid invoices are still returned, with
// Valid false and the reasons in Problems, so that the screen can say what is wrong.
type Invoice struct {
	TypeCode      string   `json:"type_code"`      // field 2, e.g. "04"
	TypeName      string   `json:"type_name"`      // Chinese name of TypeCode, "" when unknown
	InvoiceCode   string   `json:"invoice_code"`   // field 3; "" on fully digitalised (数电) invoices
	InvoiceNumber string   `json:"invoice_number"` // field 4
	Amount        string   `json:"amount"`         // field 5 normalised to two decimals, "476.60"; as sent when bad
	Date          string   `json:"date"`           // field 6, YYYYMMDD
	CheckCode     string   `json:"check_code"`     // field 7; "" on special invoices
	Extra         string   `json:"extra"`          // field 8, a short hex value of unconfirmed meaning
	Valid         bool     `json:"valid"`          // no Problems
	Problems      []string `json:"problems"`       // machine codes, see the Problem constants
}

// ReceiptRef names the transaction a kiosk receipt belongs to.
type ReceiptRef struct {
	KioskID string `json:"kiosk_id"`
	TxnID   string `json:"txn_id"`
}

// Problem codes found in Invoice.Problems.
const (
	ProblemUnknownType      = "unknown_type"       // type code not in the table
	ProblemBadCodeLength    = "bad_code_length"    // invoice code not 10 or 12 digits, or present on a 数电 invoice
	ProblemBadCodeDigits    = "bad_code_digits"    // invoice code holds something other than digits
	ProblemBadNumberLength  = "bad_number_length"  // number not 8 digits (20 on 数电 invoices)
	ProblemBadNumberDigits  = "bad_number_digits"  // number holds something other than digits
	ProblemBadAmount        = "bad_amount"         // amount is not a decimal with at most two places
	ProblemBadDate          = "bad_date"           // date is not a real calendar date YYYYMMDD
	ProblemMissingCheckCode = "missing_check_code" // check code absent on a type that prints one
	ProblemBadCheckCode     = "bad_check_code"     // check code present but not 20 digits
	ProblemTooManyFields    = "too_many_fields"    // more than eight fields
)

// invoiceType is one row of the type table in PROTOCOLS.md section 3.
type invoiceType struct {
	name string
	// digital invoices (数电, and the railway and air e-tickets issued the same way) carry no
	// invoice code and a 20-digit number.
	digital bool
	// needsCheck: ordinary (普通) invoices print a check code; special (专用) and digital ones
	// may leave it empty.
	needsCheck bool
}

var invoiceTypes = map[string]invoiceType{
	"01": {name: "增值税专用发票"},
	"02": {name: "货物运输业增值税专用发票"},
	"03": {name: "机动车销售统一发票"},
	"04": {name: "增值税普通发票", needsCheck: true},
	"10": {name: "增值税电子普通发票", needsCheck: true},
	"11": {name: "增值税普通发票（卷式）", needsCheck: true},
	"14": {name: "增值税电子普通发票（通行费）", needsCheck: true},
	"15": {name: "二手车销售统一发票"},
	"20": {name: "增值税电子专用发票"},
	"31": {name: "电子发票（增值税专用发票）", digital: true},
	"32": {name: "电子发票（普通发票）", digital: true},
	"33": {name: "电子发票（机动车销售统一发票）", digital: true},
	"34": {name: "电子发票（二手车销售统一发票）", digital: true},
	"51": {name: "电子发票（铁路电子客票）", digital: true},
	"61": {name: "电子发票（航空运输电子客票行程单）", digital: true},
}

// TypeName returns the Chinese name of an invoice type code, or "" for an unknown code.
func TypeName(typeCode string) string { return invoiceTypes[typeCode].name }

// Parse decodes and classifies one scanned payload (without its suffix). It never fails:
// what it cannot recognise is KindOther with Raw kept.
func Parse(raw []byte) Code {
	text := decodeText(raw)
	c := Code{Raw: text, Kind: KindOther}
	s := strings.TrimSpace(text)
	if inv, ok := parseInvoice(s); ok {
		c.Kind, c.Invoice = KindVATInvoice, inv
	} else if ref, ok := parseReceipt(s); ok {
		c.Kind, c.Receipt = KindKioskReceipt, ref
	}
	return c
}

// decodeText keeps valid UTF-8 as it is; anything else is taken for GB18030, which is what
// scan engines configured for Chinese output send.
func decodeText(raw []byte) string {
	if utf8.Valid(raw) {
		return string(raw)
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(s)
}

func parseReceipt(s string) (*ReceiptRef, bool) {
	rest, ok := strings.CutPrefix(s, ReceiptCodePrefix)
	if !ok {
		return nil, false
	}
	// Transaction ids are UUIDs without colons; the kiosk id is everything before the last one.
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 || i == len(rest)-1 {
		return nil, false
	}
	return &ReceiptRef{KioskID: rest[:i], TxnID: rest[i+1:]}, true
}

// parseInvoice recognises the VAT invoice layout: version "01", a two-digit type code and at
// least seven fields. Field checks after that produce Problems, not a different Kind.
func parseInvoice(s string) (*Invoice, bool) {
	f := strings.Split(s, ",")
	if len(f) > 7 && f[len(f)-1] == "" {
		f = f[:len(f)-1] // older payloads end with a trailing comma
	}
	if len(f) < 7 || f[0] != "01" || len(f[1]) != 2 || !allDigits(f[1]) {
		return nil, false
	}
	inv := &Invoice{
		TypeCode:      f[1],
		InvoiceCode:   f[2],
		InvoiceNumber: f[3],
		Amount:        f[4],
		Date:          f[5],
		CheckCode:     f[6],
		Problems:      []string{},
	}
	if len(f) > 7 {
		inv.Extra = f[7]
	}
	if len(f) > 8 {
		inv.problem(ProblemTooManyFields)
	}
	t, known := invoiceTypes[inv.TypeCode]
	inv.TypeName = t.name
	if !known {
		inv.problem(ProblemUnknownType)
		// Without the table, accept either layout when it is self-consistent.
		t.digital = inv.InvoiceCode == "" && len(inv.InvoiceNumber) == 20
	}

	if !allDigits(inv.InvoiceCode) {
		inv.problem(ProblemBadCodeDigits)
	}
	if n := len(inv.InvoiceCode); t.digital && n != 0 || !t.digital && n != 10 && n != 12 {
		inv.problem(ProblemBadCodeLength)
	}
	if !allDigits(inv.InvoiceNumber) {
		inv.problem(ProblemBadNumberDigits)
	}
	if n := len(inv.InvoiceNumber); t.digital && n != 20 || !t.digital && n != 8 {
		inv.problem(ProblemBadNumberLength)
	}
	if a, err := NormaliseAmount(inv.Amount); err != nil {
		inv.problem(ProblemBadAmount)
	} else {
		inv.Amount = a
	}
	if !validDate(inv.Date) {
		inv.problem(ProblemBadDate)
	}
	switch {
	case inv.CheckCode == "" && t.needsCheck:
		inv.problem(ProblemMissingCheckCode)
	case inv.CheckCode != "" && (len(inv.CheckCode) != 20 || !allDigits(inv.CheckCode)):
		inv.problem(ProblemBadCheckCode)
	}
	inv.Valid = len(inv.Problems) == 0
	return inv, true
}

func (inv *Invoice) problem(code string) { inv.Problems = append(inv.Problems, code) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validDate(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	y, _ := strconv.Atoi(s[0:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:8])
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return false
	}
	// time.Date normalises 20230230 to March 2; a real date comes back unchanged.
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	return t.Year() == y && t.Month() == time.Month(m) && t.Day() == d
}

// maxAmountDigits keeps fen arithmetic far from int64 overflow: 10^15 yuan is beyond any invoice.
const maxAmountDigits = 15

// NormaliseAmount rewrites a decimal amount to exactly two places ("32" -> "32.00",
// "476.6" -> "476.60", "-5.1" -> "-5.10" for red-letter invoices). It works in integer fen,
// never in floating point, so what the invoice says is what the kiosk shows. More than two
// decimal places are accepted only when the extra digits are zeros.
func NormaliseAmount(s string) (string, error) {
	neg := false
	body := s
	if strings.HasPrefix(body, "-") {
		neg, body = true, body[1:]
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || hasDot && frac == "" {
		return "", fmt.Errorf("%w: %q", ErrAmount, s)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxAmountDigits {
		return "", fmt.Errorf("%w: %q too large", ErrAmount, s)
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return "", fmt.Errorf("%w: %q has fractions of a fen", ErrAmount, s)
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var fen int64
	for _, c := range whole + frac {
		fen = fen*10 + int64(c-'0')
	}
	sign := ""
	if neg && fen != 0 {
		sign = "-"
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100), nil
}

// String describes the code for logs without repeating an unknown payload, which might be
// anything a taxpayer holds up to the window, personal data included.
func (c Code) String() string {
	switch {
	case c.Kind == KindVATInvoice && c.Invoice != nil:
		v := "valid"
		if !c.Invoice.Valid {
			v = "invalid:" + strings.Join(c.Invoice.Problems, ",")
		}
		return fmt.Sprintf("vat_invoice type=%s number=%s amount=%s %s", c.Invoice.TypeCode, c.Invoice.InvoiceNumber, c.Invoice.Amount, v)
	case c.Kind == KindKioskReceipt && c.Receipt != nil:
		return fmt.Sprintf("kiosk_receipt kiosk=%s txn=%s", c.Receipt.KioskID, c.Receipt.TxnID)
	default:
		return fmt.Sprintf("%s (%d characters)", c.Kind, utf8.RuneCountInString(c.Raw))
	}
}

// codeJSON is the flat object of the `kioskctl scanner read --json` contract: raw and kind,
// plus the invoice or receipt fields at the same level.
type codeJSON struct {
	Raw  string `json:"raw"`
	Kind Kind   `json:"kind"`
	*Invoice
	*ReceiptRef
}

// MarshalJSON writes the flat CLI object, e.g.
// {"raw":"01,04,...","kind":"vat_invoice","type_code":"04",...,"valid":true,"problems":[]}.
func (c Code) MarshalJSON() ([]byte, error) {
	return json.Marshal(codeJSON{Raw: c.Raw, Kind: c.Kind, Invoice: c.Invoice, ReceiptRef: c.Receipt})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (c *Code) UnmarshalJSON(b []byte) error {
	v := codeJSON{Invoice: &Invoice{}, ReceiptRef: &ReceiptRef{}}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Code{Raw: v.Raw, Kind: v.Kind}
	switch v.Kind {
	case KindVATInvoice:
		c.Invoice = v.Invoice
	case KindKioskReceipt:
		c.Receipt = v.ReceiptRef
	}
	return nil
}
