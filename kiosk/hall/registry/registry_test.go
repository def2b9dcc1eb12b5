package registry_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/creditcode/creditcodetest"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
)

// TestDemoCreditCodes checks the demo's codes with the GB 32100 check and against check
// characters worked out by hand from the weights in PROTOCOLS.md section 4.
func TestDemoCreditCodes(t *testing.T) {
	for _, c := range []struct{ code, first17 string }{
		{registry.JianguoHardware, "91410403MA44JG2K1"},
		{registry.YingchengMaterials, "91410400MA47H8LX2"},
		{registry.XiulanHalalFood, "92410403MA46D1PQ5"},
		{registry.DefuHousekeeping, "91410403MA45C7RT3"},
		{registry.GangyingTrading, "91410400MA9KWB3N7"},
		{registry.SmithConsulting, "91410403MA3XRL6U0"},
	} {
		if err := creditcode.Check(c.code); err != nil || c.code[:17] != c.first17 {
			t.Errorf("%s: %v", c.code, err)
		}
	}
	// Worked by hand: 9*1+1*3+4*9+1*27+0*19+4*26+0*16+3*17+M(21)*20+A(10)*29+4*25+4*13+
	// J(18)*8+G(16)*24+2*10+K(19)*30+1*28 = 2238; 2238 mod 31 = 6; 31-6 = 25 = R.
	if c, _ := creditcode.CheckChar("91410403MA44JG2K1"); c != 'R' {
		t.Fatalf("check character %c, worked by hand R", c)
	}
	f := registry.DemoFile()
	for _, e := range f.Enterprises {
		if err := creditcode.Check(e.CreditCode); err != nil {
			t.Errorf("%s (%s): %v", e.CreditCode, e.NameEN, err)
		}
	}
}

// TestPublishedCodesLoad: a registry listing real enterprises' published codes, one for every
// check character, loads; the same codes with their check character changed are refused.
func TestPublishedCodesLoad(t *testing.T) {
	ents := func(change bool) []hallapi.Enterprise {
		var es []hallapi.Enterprise
		for _, code := range creditcodetest.Published {
			if change { // the next character of the alphabet: never the right one
				i := strings.IndexByte(creditcode.Alphabet, code[17])
				code = code[:17] + string(creditcode.Alphabet[(i+1)%len(creditcode.Alphabet)])
			}
			es = append(es, hallapi.Enterprise{CreditCode: code, Name: "n", FilingPeriod: hallapi.FilingMonthly})
		}
		return es
	}
	r, err := registry.New(registry.File{Version: "published", Enterprises: ents(false)})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range creditcodetest.Published {
		if _, ok := r.Enterprise(code); !ok {
			t.Errorf("%s not in the registry", code)
		}
	}
	for _, e := range ents(true) {
		if _, err := registry.New(registry.File{Enterprises: []hallapi.Enterprise{e}}); !errors.Is(err, registry.ErrInvalid) || !errors.Is(err, creditcode.ErrCheck) {
			t.Errorf("%s with a wrong check character: %v", e.CreditCode, err)
		}
	}
}

// TestDemoPersonas: the registry's people are the simulator's personas, and between them
// every branch of the services can be shown.
func TestDemoPersonas(t *testing.T) {
	r := registry.Demo()
	counts := map[string]int{}
	for _, p := range idcardsim.Personas() {
		counts[p.Key] = len(r.Lookup(p.Card.IDNumber))
	}
	want := map[string]int{"resident-male": 2, "resident-female": 1, "resident-elderly": 1, "hk-resident": 1,
		"foreign-permanent": 2, "foreign-permanent-2023": 0}
	if !reflect.DeepEqual(counts, want) {
		t.Fatalf("enterprises per persona %v, want %v", counts, want)
	}
	for _, p := range registry.DemoFile().People {
		if per, ok := idcardsim.PersonaByKey(p.Label); !ok || per.Card.IDNumber != p.IDNumber {
			t.Errorf("person %s is not the simulator's persona", p.Label)
		}
	}

	var withReminders, withOutstanding, withNothing, noAgreement int
	for _, e := range registry.DemoFile().Enterprises {
		switch {
		case len(e.Reminders) > 0:
			withReminders++
		case len(e.Outstanding) > 0:
			withOutstanding++
		default:
			withNothing++
		}
		if e.Agreement == nil {
			noAgreement++
		}
	}
	if withReminders == 0 || withOutstanding == 0 || withNothing == 0 || noAgreement == 0 {
		t.Fatalf("branches: %d with reminders, %d with outstanding, %d with nothing, %d without agreement",
			withReminders, withOutstanding, withNothing, noAgreement)
	}

	es := r.Lookup("410403196804153016")
	if es[0].CreditCode != registry.JianguoHardware || es[0].Role != hallapi.RoleLegalRepresentative ||
		es[1].CreditCode != registry.YingchengMaterials || es[1].Role != hallapi.RoleFinancialOfficer {
		t.Fatalf("张建国's enterprises: %+v", es)
	}
	if role, ok := r.Role("CAN410080052601", registry.SmithConsulting); !ok || role != hallapi.RoleTaxAgent {
		t.Fatalf("tax agent: %q %v", role, ok)
	}
	if _, ok := r.Role("410403199208182025", registry.JianguoHardware); ok {
		t.Fatal("马秀兰 may act for 张建国's company")
	}
	// Answers are copies.
	es[0].Outstanding[0].ID = "changed"
	if e, _ := r.Enterprise(registry.JianguoHardware); e.Outstanding[0].ID != "JG-2026Q3-VAT" || e.Role != "" {
		t.Fatalf("registry changed through an answer: %+v", e.Outstanding[0])
	}
}

// TestDemoJSON: every list is [] (never null) and amounts are exact decimal strings.
func TestDemoJSON(t *testing.T) {
	e, _ := registry.Demo().Enterprise(registry.DefuHousekeeping)
	got, _ := json.Marshal(e)
	want := `{"credit_code":"91410403MA45C7RT3W","name":"平顶山市德福家政服务有限公司","name_en":"Pingdingshan Defu Housekeeping Services Co., Ltd.","small_scale":true,"filing_period":"quarterly","approvals":[{"type_code":"04","name":{"zh":"增值税普通发票","en":"Ordinary VAT invoice"},"max_per_collection":5,"max_amount":"10000.00"}],"outstanding":[],"certificates":[],"reminders":[]}`
	if string(got) != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
	g, _ := registry.Demo().Enterprise(registry.GangyingTrading)
	if b, _ := json.Marshal(g.Outstanding[1]); !strings.Contains(string(b), `"amount":"18452.37"`) {
		t.Fatalf("amount on the wire: %s", b)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	data, _ := json.MarshalIndent(registry.DemoFile(), "", "  ")
	path := filepath.Join(dir, "registry.json")
	os.WriteFile(path, data, 0o600)
	r, err := registry.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	demo := registry.Demo()
	for _, p := range registry.DemoFile().People {
		if !reflect.DeepEqual(r.Lookup(p.IDNumber), demo.Lookup(p.IDNumber)) {
			t.Errorf("%s: loaded registry differs", p.Label)
		}
	}
	if r.String() != "registry(demo-2026-12: 5 people, 6 enterprises, 6 invoices)" {
		t.Errorf("String() = %s", r)
	}
	if _, err := registry.Load(filepath.Join(dir, "absent.json")); !errors.Is(err, registry.ErrRead) {
		t.Errorf("absent file: %v", err)
	}
	os.WriteFile(path, []byte(`{"version":"x","peeple":[]}`), 0o600)
	if _, err := registry.Load(path); !errors.Is(err, registry.ErrInvalid) {
		t.Errorf("misspelt field: %v", err)
	}
}

// TestNewRejects: broken data is refused, and the error never shows an ID number.
func TestNewRejects(t *testing.T) {
	const secretID = "410403196804153016"
	for _, c := range []struct {
		name   string
		change func(f *registry.File)
	}{
		{"check character", func(f *registry.File) { f.Enterprises[0].CreditCode = "91410403MA44JG2K1S" }},
		{"letter I", func(f *registry.File) { f.Enterprises[0].CreditCode = "91410403MI44JG2K1R" }},
		{"link to unknown enterprise", func(f *registry.File) { f.People[0].Links[0].CreditCode = "91350100M000100Y43" }},
		{"role", func(f *registry.File) { f.People[0].Links[0].Role = "owner" }},
		{"person twice", func(f *registry.File) { f.People[1].IDNumber = secretID }},
		{"no ID number", func(f *registry.File) { f.People[1].IDNumber = " " }},
		{"enterprise twice", func(f *registry.File) { f.Enterprises[1].CreditCode = f.Enterprises[0].CreditCode }},
		{"filing period", func(f *registry.File) { f.Enterprises[0].FilingPeriod = "yearly" }},
		{"item twice", func(f *registry.File) { f.Enterprises[0].Outstanding[1].ID = f.Enterprises[0].Outstanding[0].ID }},
		{"certificate id of an item", func(f *registry.File) { f.Enterprises[0].Certificates[0].ID = f.Enterprises[0].Outstanding[0].ID }},
		{"zero amount", func(f *registry.File) { f.Enterprises[0].Outstanding[0].Amount = 0 }},
		{"due date", func(f *registry.File) { f.Enterprises[0].Outstanding[0].Due = "2026-02-30" }},
		{"zero limit", func(f *registry.File) { f.Enterprises[0].Approvals[0].MaxPerCollection = 0 }},
		{"reminder without English", func(f *registry.File) { f.Enterprises[1].Reminders[0].Message.EN = "" }},
		{"invoice amount", func(f *registry.File) { f.Invoices[0].Amount = "1,000.00" }},
		{"invoice twice", func(f *registry.File) { f.Invoices[1] = f.Invoices[0] }},
	} {
		f := registry.DemoFile()
		c.change(&f)
		_, err := registry.New(f)
		if !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("%s: %v", c.name, err)
		} else if strings.Contains(err.Error(), secretID) {
			t.Errorf("%s: ID number in %q", c.name, err)
		}
	}
}

// TestVerifyInvoice runs the scanner's samples through the real parser, as the kiosk does,
// then asks the registry: every valid sample is genuine.
func TestVerifyInvoice(t *testing.T) {
	r := registry.Demo()
	query := func(inv *scanner.Invoice) hallapi.InvoiceQuery {
		return hallapi.InvoiceQuery{TypeCode: inv.TypeCode, InvoiceCode: inv.InvoiceCode, InvoiceNumber: inv.InvoiceNumber,
			Amount: inv.Amount, Date: inv.Date, CheckCode: inv.CheckCode}
	}
	valid := 0
	for _, s := range scannersim.SampleCodes() {
		c := scanner.Parse(s.Payload)
		if c.Kind != scanner.KindVATInvoice {
			continue
		}
		v := r.VerifyInvoice(query(c.Invoice))
		want := hallapi.InvoiceGenuine
		if !c.Invoice.Valid {
			want = hallapi.InvoiceNotFound
		} else {
			valid++
		}
		if v.Result != want {
			t.Errorf("%s: %+v, want %s", s.Label, v, want)
		}
	}
	if valid != 5 {
		t.Fatalf("%d valid samples", valid)
	}

	// Payloads written from PROTOCOLS.md section 3, fields changed one at a time.
	for _, c := range []struct {
		payload, result string
		fields          []string
	}{
		{"01,04,3100181130,12345678,1000.00,20190521,12345678901234567890,8A3F", hallapi.InvoiceGenuine, []string{}},
		{"01,04,3100181130,12345678,1000,20190521,12345678901234567890,", hallapi.InvoiceGenuine, []string{}},
		{"01,04,3100181130,12345678,1000.01,20190521,12345678901234567890,", hallapi.InvoiceMismatch, []string{"amount"}},
		{"01,04,3100181130,12345678,1000.00,20190522,12345678901234567891,", hallapi.InvoiceMismatch, []string{"date", "check_code"}},
		{"01,11,3100181130,12345678,1000.00,20190521,12345678901234567890,", hallapi.InvoiceMismatch, []string{"type_code"}},
		{"01,01,4403191130,00123456,20000,20191105,,", hallapi.InvoiceGenuine, []string{}},
		{"01,01,4403191130,00123457,20000,20191105,,", hallapi.InvoiceNotFound, []string{}},
		{"01,32,,24442000000012345678,32.00,20240115,,", hallapi.InvoiceGenuine, []string{}},
		{"01,32,,24442000000012345678,23.00,20240115,,", hallapi.InvoiceMismatch, []string{"amount"}},
	} {
		v := r.VerifyInvoice(query(scanner.Parse([]byte(c.payload)).Invoice))
		if v.Result != c.result || !reflect.DeepEqual(v.Fields, c.fields) || v.Message.ZH == "" || v.Message.EN == "" {
			t.Errorf("%s: %+v", c.payload, v)
		}
	}

	// A check code typed from paper: its last six digits.
	q := hallapi.InvoiceQuery{TypeCode: "10", InvoiceCode: "044031900111", InvoiceNumber: "45678901", Amount: "476.60", Date: "20190312"}
	for check, want := range map[string]string{"434541": hallapi.InvoiceGenuine, "434540": hallapi.InvoiceMismatch, "": hallapi.InvoiceMismatch} {
		q.CheckCode = check
		if v := r.VerifyInvoice(q); v.Result != want {
			t.Errorf("check code %q: %s", check, v.Result)
		}
	}
}

// FuzzLoad: whatever a registry file holds, Load refuses it or returns a registry holding
// every enterprise of the file, each of whose code passes the GB 32100 check as
// creditcodetest.Valid, written apart from package creditcode, computes it.
func FuzzLoad(f *testing.F) {
	demo, _ := json.Marshal(registry.DemoFile())
	f.Add(demo)
	var published registry.File
	for _, code := range creditcodetest.Published {
		published.Enterprises = append(published.Enterprises, hallapi.Enterprise{CreditCode: code, Name: "n", FilingPeriod: hallapi.FilingMonthly})
	}
	seed, _ := json.Marshal(published)
	f.Add(seed)
	f.Add([]byte(`{"version":"v","people":[{"label":"x","id_number":"1","links":[{"credit_code":"91350100M000100Y43","role":"tax_agent"}]}],"enterprises":[{"credit_code":"91350100M000100Y43","name":"n","filing_period":"monthly"}]}`))
	f.Add([]byte(`{"enterprises":[{"credit_code":"91350100M000100Y44","name":"n","filing_period":"monthly"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "r.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := registry.Load(path)
		if err != nil {
			if !errors.Is(err, registry.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		var file registry.File
		json.Unmarshal(data, &file)
		for _, fe := range file.Enterprises {
			e, ok := r.Enterprise(fe.CreditCode)
			if !ok {
				t.Fatalf("%s is in the file but not in the registry", fe.CreditCode)
			}
			if !creditcodetest.Valid(e.CreditCode) {
				t.Fatalf("%s loaded, but its check character is wrong", e.CreditCode)
			}
		}
		for _, p := range file.People {
			for _, e := range r.Lookup(p.IDNumber) {
				if !creditcodetest.Valid(e.CreditCode) {
					t.Fatalf("%s linked to %s, but its check character is wrong", e.CreditCode, p.Label)
				}
			}
		}
	})
}

func ExampleRegistry_Lookup() {
	r := registry.Demo()
	for _, e := range r.Lookup("410403196804153016") { // the simulator's "resident-male"
		fmt.Println(e.CreditCode, e.Role, len(e.Outstanding), len(e.Reminders))
	}
	// Output:
	// 91410403MA44JG2K1R legal_representative 4 0
	// 91410400MA47H8LX28 financial_officer 0 1
}

func ExampleRegistry_VerifyInvoice() {
	v := registry.Demo().VerifyInvoice(hallapi.InvoiceQuery{TypeCode: "04", InvoiceCode: "3100181130",
		InvoiceNumber: "12345678", Amount: "999.00", Date: "20190521", CheckCode: "567890"})
	fmt.Println(v.Result, v.Fields)
	// Output: mismatch [amount]
}
