package rating

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// TestRateIsAnonymousAndChecked: a rating is a level from 1 to 5 with known reasons, kept
// whatever the offline policy says, and carries no taxpayer even during a session.
func TestRateIsAnonymousAndChecked(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	f.Refuse = "policy.online_only" // ratings are kept offline all the same
	s := New(f)
	for _, bad := range []struct {
		level   int
		reasons []string
	}{{0, nil}, {6, nil}, {3, []string{"rude"}}} {
		if err := s.Rate(context.Background(), bad.level, bad.reasons, txn.KindVATReturn); !errors.Is(err, ErrBadRating) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := s.Rate(context.Background(), 5, []string{"fast", "clear"}, txn.KindTaxPayment); err != nil {
		t.Fatal(err)
	}
	if len(f.Accepted) != 1 {
		t.Fatalf("%d ratings accepted", len(f.Accepted))
	}
	a := f.Accepted[0]
	var fields map[string]any
	if err := json.Unmarshal(a.Txn.Body, &fields); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"level": 5.0, "reasons": []any{"fast", "clear"}, "service": string(txn.KindTaxPayment)}
	if a.Txn.Kind != txn.KindRating || a.Txn.Taxpayer != nil || !a.Always || !reflect.DeepEqual(fields, want) {
		t.Fatalf("rating %+v body %s", a, a.Txn.Body)
	}
}
