package hallapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// TestServiceRequests: what the client puts on the wire, checked against requests written by
// hand. The ID number travels only in a POST body.
func TestServiceRequests(t *testing.T) {
	const id = "410403196804153016"
	type call struct{ method, path, body string }
	var got []call
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, call{r.Method, r.URL.RequestURI(), string(b)})
		switch r.URL.Path {
		case "/v1/lookup":
			io.WriteString(w, `{"enterprises":[{"credit_code":"91410403MA44JG2K1R","name":"建国五金","name_en":"","role":"legal_representative","small_scale":true,"filing_period":"quarterly","approvals":[],"outstanding":[{"id":"JG-1","tax_kind":"vat","name":{"zh":"增值税","en":"VAT"},"period":"2026-Q3","amount":"3150.00","due":"2026-10-23"}],"certificates":[],"reminders":[]}]}`)
		case "/v1/enterprises/91410403MA44JG2K1R":
			io.WriteString(w, `{"credit_code":"91410403MA44JG2K1R","name":"建国五金","filing_period":"quarterly","agreement":{"id":"TA1","bank":{"zh":"工行","en":"ICBC"},"account":"6222 **** 6617"}}`)
		case "/v1/queue", "/v1/queue/call":
			io.WriteString(w, `{"business":"invoice","number":"B017","waiting":3,"issued_at":"2026-12-01T01:30:00Z"}`)
		case "/v1/verify-invoice":
			io.WriteString(w, `{"result":"mismatch","fields":["amount"],"message":{"zh":"不一致","en":"Mismatch"}}`)
		}
	}))
	defer ts.Close()
	c, ctx := &hallapi.Client{BaseURL: ts.URL}, context.Background()
	sess := hallapi.Session{CardReadAt: time.Date(2026, 12, 1, 1, 29, 0, 0, time.UTC), SAMID: "05.01-20101104-0015243839-2342323233"}
	es, err := c.Lookup(ctx, id, sess)
	if err != nil || len(es) != 1 || es[0].Outstanding[0].Amount.String() != "3150.00" || es[0].Role != hallapi.RoleLegalRepresentative {
		t.Fatalf("lookup: %+v %v", es, err)
	}
	e, err := c.Enterprise(ctx, "91410403MA44JG2K1R")
	if err != nil || e.Agreement == nil || e.Agreement.Bank.EN != "ICBC" {
		t.Fatalf("enterprise: %+v %v", e, err)
	}
	tk, err := c.TakeTicket(ctx, hallapi.BusinessInvoice)
	if err != nil || tk.Number != "B017" || tk.Waiting != 3 {
		t.Fatalf("ticket: %+v %v", tk, err)
	}
	c.CallTicket(ctx, hallapi.BusinessInvoice)
	v, err := c.VerifyInvoice(ctx, hallapi.InvoiceQuery{TypeCode: "04", InvoiceCode: "3100181130", InvoiceNumber: "12345678", Amount: "1000.00", Date: "20190521", CheckCode: "567890"})
	if err != nil || v.Result != hallapi.InvoiceMismatch || v.Fields[0] != "amount" {
		t.Fatalf("verify: %+v %v", v, err)
	}
	want := []call{
		{"POST", "/v1/lookup", `{"id_number":"410403196804153016","session":{"card_read_at":"2026-12-01T01:29:00Z","sam_id":"05.01-20101104-0015243839-2342323233"}}`},
		{"GET", "/v1/enterprises/91410403MA44JG2K1R", ``},
		{"POST", "/v1/queue", `{"business":"invoice"}`},
		{"POST", "/v1/queue/call", `{"business":"invoice"}`},
		{"POST", "/v1/verify-invoice", `{"type_code":"04","invoice_code":"3100181130","invoice_number":"12345678","amount":"1000.00","date":"20190521","check_code":"567890"}`},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests\n got %q\nwant %q", got, want)
	}
	for _, g := range got {
		if strings.Contains(g.path, id) {
			t.Fatalf("ID number in a URL: %s", g.path)
		}
	}
}

// TestServicesOverTLS: the kiosk's client against a real hall that requires kiosk
// certificates, on loopback.
func TestServicesOverTLS(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	key, _ := seal.NewKey(bytes.Repeat([]byte{3}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg, err := certs.ServerConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hall.New(store, &hall.Opts{RequireKiosk: true}))
	ts.TLS = cfg
	ts.StartTLS()
	defer ts.Close()
	c, err := hallapi.NewTLSClient(ts.URL, dir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	sess := hallapi.Session{CardReadAt: time.Now(), SAMID: "05.01-20101104-0015243839-2342323233"}
	es, err := c.Lookup(ctx, "CAN410080052601", sess)
	if err != nil || len(es) != 2 || es[1].Role != hallapi.RoleTaxAgent {
		t.Fatalf("lookup: %+v %v", es, err)
	}
	stamp := es[1].Outstanding[0]
	pay, _ := json.Marshal(hallapi.TaxPaymentBody{CreditCode: es[1].CreditCode, Items: []string{stamp.ID}, Total: stamp.Amount, Session: &sess})
	body := string(pay)
	tp := &txn.Taxpayer{Name: "史密斯约翰", IDNumber: "CAN410080052601", CardType: "foreign_permanent"}
	resp, err := c.SendBatch(ctx, hallapi.Batch{KioskID: "K001", Txns: []txn.Txn{{ID: txn.NewID(), KioskID: "K001", Kind: "tax_payment", Taxpayer: tp, Body: []byte(body)}}})
	if err != nil || resp.Results[0].Result.Code != hallapi.ResultPaid {
		t.Fatalf("payment: %+v %v", resp, err)
	}
	e, err := c.Enterprise(ctx, es[1].CreditCode)
	if err != nil || len(e.Outstanding) != 0 || e.Certificates[len(e.Certificates)-1].ID != "P-"+stamp.ID {
		t.Fatalf("after payment: %+v %v", e, err)
	}
	if tk, err := c.TakeTicket(ctx, hallapi.BusinessFiling); err != nil || tk.Number != "A001" {
		t.Fatalf("ticket: %+v %v", tk, err)
	}
	if v, err := c.VerifyInvoice(ctx, hallapi.InvoiceQuery{TypeCode: "32", InvoiceNumber: "24442000000012345678", Amount: "32", Date: "20240115"}); err != nil || v.Result != hallapi.InvoiceGenuine {
		t.Fatalf("verify: %+v %v", v, err)
	}
	var herr *hallapi.Error
	if _, err := c.Enterprise(ctx, "91350100M000100Y43"); !errors.As(err, &herr) || herr.Code != hallapi.CodeNotFound || !errors.Is(err, hallapi.ErrRejected) {
		t.Fatalf("unknown enterprise: %v", err)
	}
	// Without a certificate the TLS handshake itself fails.
	plain := &hallapi.Client{BaseURL: ts.URL, HTTP: ts.Client()}
	if _, err := plain.Lookup(ctx, "CAN410080052601", sess); !errors.Is(err, hallapi.ErrUnreachable) {
		t.Fatalf("no certificate: %v", err)
	}
}

func ExampleClient_Lookup() {
	dir, _ := os.MkdirTemp("", "hallapi-example")
	defer os.RemoveAll(dir)
	k, _ := seal.NewKey(bytes.Repeat([]byte{5}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: k})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	ts := httptest.NewServer(hall.New(store, nil)) // the demo registry
	defer ts.Close()
	c := &hallapi.Client{BaseURL: ts.URL}
	// The session is the card the kiosk just read, and the reader's SAM that read it.
	sess := hallapi.Session{CardReadAt: time.Now(), SAMID: "05.01-20101104-0015243839-2342323233"}
	es, _ := c.Lookup(context.Background(), "410403199208182025", sess) // the simulator's "resident-female"
	for _, e := range es {
		fmt.Println(e.Name, e.Role, e.FilingPeriod)
		for _, r := range e.Reminders {
			fmt.Println(" ", r.Code)
		}
	}
	// Output:
	// 卫东区秀兰清真食品店 legal_representative monthly
	//   consecutive_zero_returns
	//   tax_burden_low
}
