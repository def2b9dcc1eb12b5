package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/txn"
)

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestCheck(t *testing.T) {
	p := Defaults()
	vat := func(count int, amount money.Amount, age time.Duration) Snapshot {
		return Snapshot{Now: now, Pending: map[string]Pending{"vat_return": {Count: count, Amount: amount, Oldest: now.Add(-age)}}}
	}
	invoices := func(count int, age time.Duration) Snapshot {
		return Snapshot{Now: now, Pending: map[string]Pending{"invoice_collection": {Count: count, Oldest: now.Add(-age)}}}
	}
	online := func(s Snapshot) Snapshot { s.Online = true; return s }
	broken := func(s Snapshot) Snapshot { s.OutOfService = true; return s }
	for _, c := range []struct {
		name    string
		service string
		amount  money.Amount
		st      Snapshot
		want    string // reason key; "" allowed
	}{
		{"vat offline, empty queue", "vat_return", 0, vat(0, 0, 0), ""},
		{"vat offline, 199 waiting: the 200th is allowed", "vat_return", 0, vat(199, 0, time.Hour), ""},
		{"vat offline, 200 waiting", "vat_return", 0, vat(200, 0, time.Hour), ReasonTooMany},
		{"vat offline, oldest exactly 72h", "vat_return", 0, vat(5, 0, 72*time.Hour), ""},
		{"vat offline, oldest 72h and a second", "vat_return", 0, vat(5, 0, 72*time.Hour+time.Second), ReasonTooLong},
		{"vat offline, amount reaches the limit", "vat_return", money.Yuan(1000), vat(3, money.Yuan(49000), time.Hour), ""},
		{"vat offline, amount one fen over", "vat_return", money.Yuan(1000) + 1, vat(3, money.Yuan(49000), time.Hour), ReasonAmount},
		{"vat offline, 60,000.00 alone over the 50,000.00 limit (issue 12)", "vat_return", money.Yuan(60000), vat(0, 0, 0), ReasonAmountOver},
		{"vat offline, one fen over the limit alone", "vat_return", money.Yuan(50000) + 1, vat(3, 0, time.Hour), ReasonAmountOver},
		{"vat offline, limit used up, amount not yet known", "vat_return", 0, vat(3, money.Yuan(50000)+1, time.Hour), ReasonAmount},
		{"vat online with a long queue", "vat_return", money.Yuan(90000), online(vat(900, money.Yuan(90000), 200*time.Hour)), ""},
		{"count is checked first", "vat_return", money.Yuan(90000), vat(300, 0, 100*time.Hour), ReasonTooMany},
		{"invoice collection offline, empty queue", "invoice_collection", 0, invoices(0, 0), ""},
		{"invoice collection offline, 199 waiting: the 200th is allowed", "invoice_collection", 0, invoices(199, time.Hour), ""},
		{"invoice collection offline, 200 waiting", "invoice_collection", 0, invoices(200, time.Hour), ReasonTooMany},
		{"invoice collection offline, oldest exactly 72h", "invoice_collection", 0, invoices(3, 72*time.Hour), ""},
		{"invoice collection offline, oldest 72h and a second", "invoice_collection", 0, invoices(3, 72*time.Hour+time.Second), ReasonTooLong},
		{"invoice collection has no amount limit", "invoice_collection", money.Yuan(1e6), invoices(3, time.Hour), ""},
		{"invoice collection online with a long queue", "invoice_collection", 0, online(invoices(900, 200*time.Hour)), ""},
		{"vat queue does not count for invoices", "invoice_collection", 0, vat(500, money.Yuan(90000), 500*time.Hour), ""},
		{"payment offline", "tax_payment", money.Yuan(10), vat(0, 0, 0), ReasonOnlineOnly},
		{"payment offline, invoices queued", "tax_payment", money.Yuan(10), invoices(1, time.Hour), ReasonOnlineOnly},
		{"payment online", "tax_payment", money.Yuan(10), online(vat(0, 0, 0)), ""},
		{"unknown service offline follows default", "social_insurance", 0, Snapshot{Now: now}, ReasonOnlineOnly},
		{"unknown service online", "social_insurance", 0, Snapshot{Now: now, Online: true}, ""},
		{"out of service online", "vat_return", 0, broken(online(vat(0, 0, 0))), ReasonOutOfService},
		{"out of service offline", "tax_payment", 0, broken(vat(0, 0, 0)), ReasonOutOfService},
		{"other service's queue does not count", "vat_return", 0,
			Snapshot{Now: now, Pending: map[string]Pending{"tax_payment": {Count: 1000, Amount: money.Yuan(1e6), Oldest: now.Add(-1000 * time.Hour)}}}, ""},
	} {
		got := p.Check(c.service, c.amount, c.st)
		if got.Allowed != (c.want == "") || got.ReasonKey != c.want || c.want == ReasonAmountOver && got.Limit != money.Yuan(50000) {
			t.Errorf("%s: %+v, want reason %q", c.name, got, c.want)
		}
	}
}

// TestConfigFile reads a policy as a technician writes it in the kiosk's configuration.
func TestConfigFile(t *testing.T) {
	const doc = `{
		"default": {"mode": "offline_ok"},
		"services": {
			"vat_return":  {"mode": "offline_limited", "max_queued": 2, "max_offline_age": "1h30m", "max_offline_amount": "0.00"},
			"tax_payment": {"mode": "online_only"}
		}
	}`
	var p Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	r := p.Rule("vat_return")
	if r.Mode != OfflineLimited || r.MaxQueued != 2 || r.MaxAge != jsontime.Duration(90*time.Minute) || r.MaxAmount == nil || *r.MaxAmount != 0 {
		t.Fatalf("vat rule %+v", r)
	}
	st := Snapshot{Now: now, Pending: map[string]Pending{"vat_return": {Count: 1, Oldest: now.Add(-time.Hour)}}}
	if d := p.Check("vat_return", 0, st); !d.Allowed {
		t.Fatalf("zero return under a 0.00 amount limit: %+v", d)
	}
	if d := p.Check("vat_return", 1, st); d.ReasonKey != ReasonAmountOver || d.Limit != 0 {
		t.Fatalf("one fen under a 0.00 amount limit: %+v", d)
	}
	if d := p.Check("stamp_duty", money.Yuan(5), Snapshot{Now: now}); !d.Allowed {
		t.Fatalf("default offline_ok: %+v", d)
	}
	b, err := json.Marshal(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil || back.Validate() != nil {
		t.Fatalf("defaults round trip: %v %s", err, b)
	}
	if got := back.Rule("vat_return"); got.MaxQueued != 200 || got.MaxAge != jsontime.Duration(72*time.Hour) || *got.MaxAmount != money.Yuan(50000) {
		t.Fatalf("defaults after round trip %+v (%s)", got, b)
	}
	if got := back.Rule("invoice_collection"); got.Mode != OfflineLimited || got.MaxQueued != 200 || got.MaxAge != jsontime.Duration(72*time.Hour) || got.MaxAmount != nil {
		t.Fatalf("invoice collection defaults after round trip %+v (%s)", got, b)
	}
	if got := back.Rule("tax_payment"); got.Mode != OnlineOnly {
		t.Fatalf("tax payment defaults after round trip %+v (%s)", got, b)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct{ doc, field string }{
		{`{"default":{"mode":"sometimes"}}`, "default.mode"},
		{`{"services":{"vat_return":{"mode":"offline_limited"}}}`, "services.vat_return.mode"},
		{`{"services":{"vat_return":{"mode":"offline_ok","max_queued":5}}}`, "services.vat_return.mode"},
		{`{"services":{"vat_return":{"mode":"offline_limited","max_queued":-1}}}`, "services.vat_return.max_queued"},
		{`{"services":{"vat_return":{"mode":"offline_limited","max_offline_age":"-1h"}}}`, "services.vat_return.max_offline_age"},
		{`{"services":{"vat_return":{"mode":"offline_limited","max_offline_amount":"-0.01"}}}`, "services.vat_return.max_offline_amount"},
		{`{"services":{"":{"mode":"online_only"}}}`, "services: empty"},
	} {
		var p Policy
		if err := json.Unmarshal([]byte(c.doc), &p); err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		err := p.Validate()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v, want ErrInvalid naming %s", c.doc, err, c.field)
		}
	}
	var p Policy
	if err := json.Unmarshal([]byte(`{"services":{"vat_return":{"mode":"offline_limited","max_offline_age":72}}}`), &p); err == nil {
		t.Error("a bare number of nanoseconds was accepted as an age")
	}
}

func TestSnapshotOf(t *testing.T) {
	st := SnapshotOf(false, false, now, map[txn.Kind]txn.Pending{txn.KindVATReturn: {Count: 200, Amount: 5, Oldest: now}})
	if d := Defaults().Check("vat_return", 0, st); d.ReasonKey != ReasonTooMany {
		t.Fatalf("%+v", d)
	}
}

func ExamplePolicy_Check() {
	p := Defaults()
	st := Snapshot{
		Online:  false,
		Now:     time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC),
		Pending: map[string]Pending{"vat_return": {Count: 12, Amount: money.Yuan(300), Oldest: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}},
	}
	fmt.Println(p.Check("tax_payment", money.Yuan(120), st))
	fmt.Println(p.Check("vat_return", 0, st)) // oldest waiting since 73 h
	st.Pending["vat_return"] = Pending{Count: 12, Amount: money.Yuan(300), Oldest: st.Now.Add(-time.Hour)}
	fmt.Println(p.Check("vat_return", 0, st))
	// Output:
	// {false policy.online_only 0.00}
	// {false policy.offline_too_long 0.00}
	// {true  0.00}
}
