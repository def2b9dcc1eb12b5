package queue

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter/countertest"
	"taxkiosk/kiosk/txn"
)

// callingSystem is the hall's calling system in-process: it gives the next number.
type callingSystem struct {
	next int
	err  error
}

func (h *callingSystem) TakeTicket(ctx context.Context, business string) (hallapi.Ticket, error) {
	if h.err != nil {
		return hallapi.Ticket{}, h.err
	}
	h.next++
	return hallapi.Ticket{Business: business, Number: "A0" + string(rune('0'+h.next)), Waiting: 3, IssuedAt: time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)}, nil
}

// TestTicketOnlyOnline: no number without the hall; a number the hall gave is recorded
// (whatever the offline policy says of services) and printed with the people waiting.
func TestTicketOnlyOnline(t *testing.T) {
	t.Parallel()
	cat := countertest.Catalog(t)
	f := countertest.New(t)
	f.Person = nil // no card needed
	f.Refuse = "policy.online_only"
	h := &callingSystem{}
	s := New(f, h, cat, nil)
	f.Offline = true
	if _, err := s.Take(context.Background(), hallapi.BusinessFiling, i18n.ZH); !errors.Is(err, ErrOffline) {
		t.Fatalf("offline: %v", err)
	}
	f.Offline = false
	h.err = hallapi.ErrUnreachable
	if _, err := s.Take(context.Background(), hallapi.BusinessFiling, i18n.ZH); !errors.Is(err, ErrOffline) {
		t.Fatalf("the hall gone meanwhile: %v", err)
	}
	h.err = nil
	for _, l := range i18n.Langs {
		tk, err := s.Take(context.Background(), hallapi.BusinessFiling, l)
		if err != nil {
			t.Fatal(err)
		}
		a := f.Accepted[len(f.Accepted)-1]
		if a.Txn.Kind != txn.KindQueueTicket || !a.Always || a.Txn.Taxpayer != nil {
			t.Fatalf("recorded %+v", a)
		}
		countertest.Expect(t, cat, l, countertest.Fields(t, a.Receipt), map[string]string{
			"ticket.waiting": cat.T(l, "ticket.waiting.value", "n", 3),
		})
		if !strings.Contains(a.Receipt.Text(escpos.Columns80), tk.Number) {
			t.Errorf("%s: ticket without its number %s", l, tk.Number)
		}
	}
}

// TestTicketPrintsWhenNotRecorded: the hall's number stands even when the kiosk cannot keep
// the record: the ticket still prints.
func TestTicketPrintsWhenNotRecorded(t *testing.T) {
	t.Parallel()
	f := countertest.New(t)
	f.Fail = errors.New("disk full")
	tk, err := New(f, &callingSystem{}, countertest.Catalog(t), nil).Take(context.Background(), hallapi.BusinessInvoice, i18n.ZH)
	if err != nil || tk.Number == "" {
		t.Fatalf("%+v %v", tk, err)
	}
	if len(f.Printed) != 1 || !strings.Contains(f.Printed[0].Text(escpos.Columns80), tk.Number) {
		t.Fatalf("printed %d papers", len(f.Printed))
	}
}
