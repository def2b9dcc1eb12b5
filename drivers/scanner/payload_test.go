package scanner

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Payloads below are written from PROTOCOLS.md section 3, field by field, not produced by
// any encoder in this repository.
func TestParseInvoice(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    Invoice
	}{
		{
			name:    "普票 04 with short hex",
			payload: "01,04,3100181130,12345678,1000.00,20190521,12345678901234567890,8A3F",
			want: Invoice{TypeCode: "04", TypeName: "增值税普通发票", InvoiceCode: "3100181130", InvoiceNumber: "12345678",
				Amount: "1000.00", Date: "20190521", CheckCode: "12345678901234567890", Extra: "8A3F", Valid: true, Problems: []string{}},
		},
		{
			name:    "电子普票 10 old style, trailing comma, amount 476.6",
			payload: "01,10,044031900111,45678901,476.6,20190312,09887262553346434541,",
			want: Invoice{TypeCode: "10", TypeName: "增值税电子普通发票", InvoiceCode: "044031900111", InvoiceNumber: "45678901",
				Amount: "476.60", Date: "20190312", CheckCode: "09887262553346434541", Valid: true, Problems: []string{}},
		},
		{
			name:    "专票 01 without check code, amount 32",
			payload: "01,01,4403191130,00123456,32,20191105,,1C2D,",
			want: Invoice{TypeCode: "01", TypeName: "增值税专用发票", InvoiceCode: "4403191130", InvoiceNumber: "00123456",
				Amount: "32.00", Date: "20191105", Extra: "1C2D", Valid: true, Problems: []string{}},
		},
		{
			name:    "数电普票 32: empty code, 20-digit number",
			payload: "01,32,,24442000000012345678,32,20240115,,5B6E",
			want: Invoice{TypeCode: "32", TypeName: "电子发票（普通发票）", InvoiceNumber: "24442000000012345678",
				Amount: "32.00", Date: "20240115", Extra: "5B6E", Valid: true, Problems: []string{}},
		},
		{
			name:    "数电专票 31",
			payload: "01,31,,24312000000087654321,113000.00,20240301,,",
			want: Invoice{TypeCode: "31", TypeName: "电子发票（增值税专用发票）", InvoiceNumber: "24312000000087654321",
				Amount: "113000.00", Date: "20240301", Valid: true, Problems: []string{}},
		},
		{
			name:    "red-letter (negative) amount",
			payload: "01,04,3100181130,12345678,-5.1,20190521,12345678901234567890,",
			want: Invoice{TypeCode: "04", TypeName: "增值税普通发票", InvoiceCode: "3100181130", InvoiceNumber: "12345678",
				Amount: "-5.10", Date: "20190521", CheckCode: "12345678901234567890", Valid: true, Problems: []string{}},
		},
		{
			name:    "bad date 30 February",
			payload: "01,04,3100181130,12345679,88.00,20230230,12345678901234567890,",
			want: Invoice{TypeCode: "04", TypeName: "增值税普通发票", InvoiceCode: "3100181130", InvoiceNumber: "12345679",
				Amount: "88.00", Date: "20230230", CheckCode: "12345678901234567890", Problems: []string{ProblemBadDate}},
		},
		{
			name:    "unknown type 99",
			payload: "01,99,3100181130,12345678,10,20190521,12345678901234567890,",
			want: Invoice{TypeCode: "99", InvoiceCode: "3100181130", InvoiceNumber: "12345678",
				Amount: "10.00", Date: "20190521", CheckCode: "12345678901234567890", Problems: []string{ProblemUnknownType}},
		},
		{
			name:    "数电 type with an invoice code and 8-digit number",
			payload: "01,32,3100181130,12345678,10.00,20240115,,",
			want: Invoice{TypeCode: "32", TypeName: "电子发票（普通发票）", InvoiceCode: "3100181130", InvoiceNumber: "12345678",
				Amount: "10.00", Date: "20240115", Problems: []string{ProblemBadCodeLength, ProblemBadNumberLength}},
		},
		{
			name:    "普票 missing check code, bad amount, letters in number",
			payload: "01,04,310018113,1234567A,1.234,20190521,,",
			want: Invoice{TypeCode: "04", TypeName: "增值税普通发票", InvoiceCode: "310018113", InvoiceNumber: "1234567A",
				Amount: "1.234", Date: "20190521",
				Problems: []string{ProblemBadCodeLength, ProblemBadNumberDigits, ProblemBadAmount, ProblemMissingCheckCode}},
		},
		{
			name:    "check code of the wrong length, too many fields",
			payload: "01,10,044031900111,45678901,1,20190312,0988726255,AB,CD",
			want: Invoice{TypeCode: "10", TypeName: "增值税电子普通发票", InvoiceCode: "044031900111", InvoiceNumber: "45678901",
				Amount: "1.00", Date: "20190312", CheckCode: "0988726255", Extra: "AB",
				Problems: []string{ProblemTooManyFields, ProblemBadCheckCode}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Parse([]byte(tt.payload + "\r\n"))
			if c.Kind != KindVATInvoice || c.Invoice == nil || c.Receipt != nil {
				t.Fatalf("Parse = %+v, want a vat_invoice", c)
			}
			if c.Raw != tt.payload+"\r\n" {
				t.Errorf("Raw = %q", c.Raw)
			}
			if !reflect.DeepEqual(*c.Invoice, tt.want) {
				t.Errorf("Invoice =\n%+v\nwant\n%+v", *c.Invoice, tt.want)
			}
		})
	}
}

func TestEveryTypeCode(t *testing.T) {
	for _, tc := range []string{"01", "02", "03", "04", "10", "11", "14", "15", "20", "31", "32", "33", "34", "51", "61"} {
		if TypeName(tc) == "" {
			t.Errorf("type %s has no name", tc)
		}
	}
	if TypeName("05") != "" {
		t.Error("type 05 is not in the table")
	}
}

func TestParseOtherAndReceipt(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("税务,发票"))
	if err != nil {
		t.Fatal(err)
	}
	// Written by hand from the GB2312 code table: 税 CB B0, 务 CE F1.
	if want := []byte{0xCB, 0xB0, 0xCE, 0xF1, ','}; string(gb[:5]) != string(want) {
		t.Fatalf("GB18030 of 税务 = % X, want % X", gb[:5], want)
	}
	tests := []struct {
		name    string
		payload []byte
		kind    Kind
		raw     string
		receipt *ReceiptRef
	}{
		{"GB18030 text", gb, KindOther, "税务,发票", nil},
		{"UTF-8 text", []byte("税务,发票"), KindOther, "税务,发票", nil},
		{"URL", []byte("https://etax.chinatax.gov.cn/"), KindOther, "https://etax.chinatax.gov.cn/", nil},
		{"receipt", []byte("TK1:K-0001:2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10"), KindKioskReceipt,
			"TK1:K-0001:2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10", &ReceiptRef{KioskID: "K-0001", TxnID: "2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10"}},
		{"receipt, kiosk id with a colon", []byte("TK1:hall:3:abc"), KindKioskReceipt, "TK1:hall:3:abc", &ReceiptRef{KioskID: "hall:3", TxnID: "abc"}},
		{"receipt without txn", []byte("TK1:K-0001:"), KindOther, "TK1:K-0001:", nil},
		{"version 02 is not an invoice", []byte("02,04,3100181130,12345678,1,20190521,12345678901234567890"), KindOther, "02,04,3100181130,12345678,1,20190521,12345678901234567890", nil},
		{"too few fields", []byte("01,04,3100181130,12345678,1,20190521"), KindOther, "01,04,3100181130,12345678,1,20190521", nil},
		{"empty", nil, KindOther, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Parse(tt.payload)
			if c.Kind != tt.kind || c.Raw != tt.raw || !reflect.DeepEqual(c.Receipt, tt.receipt) || c.Invoice != nil {
				t.Errorf("Parse = %+v (receipt %+v), want kind %s raw %q receipt %+v", c, c.Receipt, tt.kind, tt.raw, tt.receipt)
			}
		})
	}
}

func TestNormaliseAmount(t *testing.T) {
	tests := []struct{ in, want string }{
		{"32", "32.00"}, {"476.6", "476.60"}, {"0.01", "0.01"}, {"007.5", "7.50"}, {"1282.05", "1282.05"},
		{"100.000", "100.00"}, {"-0", "0.00"}, {"-12.3", "-12.30"}, {"999999999999999.99", "999999999999999.99"},
	}
	for _, tt := range tests {
		got, err := NormaliseAmount(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormaliseAmount(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", ".5", "5.", "1.234", "1,00", "+1", "1e3", "--1", "1000000000000000", "12.3.4", " 1"} {
		if got, err := NormaliseAmount(bad); !errors.Is(err, ErrAmount) {
			t.Errorf("NormaliseAmount(%q) = %q, %v; want ErrAmount", bad, got, err)
		}
	}
}

// TestJSONContract pins the object `kioskctl scanner read --json` prints.
func TestJSONContract(t *testing.T) {
	c := Parse([]byte("01,32,,24442000000012345678,32,20240115,,5B6E"))
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"raw":"01,32,,24442000000012345678,32,20240115,,5B6E","kind":"vat_invoice","type_code":"32","type_name":"电子发票（普通发票）",` +
		`"invoice_code":"","invoice_number":"24442000000012345678","amount":"32.00","date":"20240115","check_code":"","extra":"5B6E","valid":true,"problems":[]}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
	var back Code
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("round trip = %+v, %v", back, err)
	}

	r := Parse([]byte("TK1:K-0001:abc"))
	b, _ = json.Marshal(r)
	if want := `{"raw":"TK1:K-0001:abc","kind":"kiosk_receipt","kiosk_id":"K-0001","txn_id":"abc"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	o := Parse([]byte("hello"))
	b, _ = json.Marshal(o)
	if want := `{"raw":"hello","kind":"other"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}

func TestStringHidesUnknownPayloads(t *testing.T) {
	c := Parse([]byte("张三 110105194912310021"))
	if s := c.String(); s != "other (21 characters)" {
		t.Errorf("String = %q", s)
	}
}
