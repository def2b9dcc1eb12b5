package policy

import (
	"encoding/json"
	"testing"
	"time"

	"taxkiosk/kiosk/money"
)

// FuzzPolicy reads any policy document; a valid one never lets a service past a limit it
// configured, and never refuses anything while the hall answers and the outbox works.
func FuzzPolicy(f *testing.F) {
	f.Add(`{"default":{"mode":"online_only"},"services":{"vat_return":{"mode":"offline_limited","max_queued":200,"max_offline_age":"72h","max_offline_amount":"50000.00"}}}`, "vat_return", int64(0), 199, int64(0), int64(3600))
	f.Add(`{"services":{"vat_return":{"mode":"offline_ok"}}}`, "vat_return", int64(100), 5000, int64(1e9), int64(1e6))
	f.Add(`{"default":{"mode":"offline_limited","max_offline_amount":"0.00"}}`, "stamp_duty", int64(1), 0, int64(0), int64(0))
	f.Add(`{"default":{"mode":"sometimes"}}`, "x", int64(0), 0, int64(0), int64(0))
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, doc, service string, amount int64, count int, pendingAmount int64, ageSeconds int64) {
		var p Policy
		if json.Unmarshal([]byte(doc), &p) != nil || p.Validate() != nil {
			return
		}
		if count < 0 || ageSeconds < 0 || ageSeconds > 1e9 {
			return
		}
		st := Snapshot{Now: now, Pending: map[string]Pending{service: {Count: count, Amount: money.Amount(pendingAmount),
			Oldest: now.Add(-time.Duration(ageSeconds) * time.Second)}}}
		a := money.Amount(amount)
		st.Online = true
		if d := p.Check(service, a, st); !d.Allowed {
			t.Fatalf("refused online: %+v", d)
		}
		st.Online = false
		d := p.Check(service, a, st)
		if d.Allowed == (d.ReasonKey != "") {
			t.Fatalf("decision %+v", d)
		}
		r := p.Rule(service)
		if !d.Allowed {
			return
		}
		switch {
		case r.Mode == OnlineOnly:
			t.Fatalf("online_only allowed offline")
		case r.Mode != OfflineLimited:
		case r.MaxQueued > 0 && count+1 > r.MaxQueued:
			t.Fatalf("allowed past max_queued %d with %d waiting", r.MaxQueued, count)
		case r.MaxAmount != nil && money.Amount(pendingAmount)+a > *r.MaxAmount:
			t.Fatalf("allowed past max_offline_amount %v", *r.MaxAmount)
		case r.MaxAge > 0 && count > 0 && time.Duration(ageSeconds)*time.Second > time.Duration(r.MaxAge):
			t.Fatalf("allowed past max_offline_age %v", time.Duration(r.MaxAge))
		}
	})
}
