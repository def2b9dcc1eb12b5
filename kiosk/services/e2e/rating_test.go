package e2e_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// TestRatingIsAnonymous: the rating after a VAT return names the service, and nothing that
// leads back to the return or the person (issue 12: it once carried after_txn).
func TestRatingIsAnonymous(t *testing.T) {
	t.Parallel()
	k := start(t, nil)
	k.Identify("resident-male")
	ctx := context.Background()
	out, err := k.Term.Services().Filing.Submit(ctx, vatreturn.Zero(vatreturn.Period{Type: vatreturn.Monthly, Year: 2026, Index: 11}), i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Term.Services().Rating.Rate(ctx, 4, []string{"fast"}, out.Kind); err != nil {
		t.Fatal(err)
	}
	recs, err := k.Term.Records(outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Txn.Kind != txn.KindRating {
			continue
		}
		found = true
		var fields map[string]any
		if err := json.Unmarshal(r.Txn.Body, &fields); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"level": 4.0, "reasons": []any{"fast"}, "service": string(txn.KindVATReturn)}
		if !reflect.DeepEqual(fields, want) {
			t.Errorf("rating body %s, want exactly level, reasons and service", r.Txn.Body)
		}
		if r.Txn.Taxpayer != nil || strings.Contains(string(r.Txn.Body), out.TxnID) {
			t.Errorf("the rating leads back to the return: %+v", r.Txn)
		}
	}
	if !found {
		t.Fatal("no rating accepted")
	}
}
