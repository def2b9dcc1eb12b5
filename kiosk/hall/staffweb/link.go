package staffweb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// Link is the staff side as the kiosks' API sees it (hall.Staff and hall.Queue): help
// requests become help calls on the seat's page, a kiosk asks whether its call was taken,
// and the tickets kiosks take and counters call come from the staff store's queue, so
// the ticket's "waiting before you" and the hall display count the same tickets.
type Link struct {
	store staff.Store
	bus   staff.Bus
}

var (
	_ hall.Staff = (*Link)(nil)
	_ hall.Queue = (*Link)(nil)
)

// Link returns the App's link for hall.Opts.Staff and hall.Opts.Queue.
func (a *App) Link() *Link { return &Link{store: a.o.Store, bus: a.o.Bus} }

// HelpCalled implements hall.Staff. Only the masked name is kept of the card holder.
func (l *Link) HelpCalled(ctx context.Context, kioskID string, t txn.Txn, receivedAt time.Time) error {
	var b hallapi.HelpBody
	if len(t.Body) > 0 {
		json.Unmarshal(t.Body, &b) // a body without the fields still calls the seat
	}
	// The number is the one the kiosk's screen gave the taxpayer (desk.CallHelp).
	c := staff.HelpCall{ID: kioskID + "/" + t.ID, KioskID: kioskID, Number: txn.ReceiptNumber(t.Seq), CalledAt: receivedAt.UTC(), Source: b.Source,
		Screen: b.Screen, Service: serviceOfScreen(b.Screen), LastError: b.LastError}
	if t.Taxpayer != nil {
		c.MaskedName = mask.Name(t.Taxpayer.Name)
	}
	added, err := l.store.AddHelpCall(ctx, c)
	if err != nil || !added {
		return err
	}
	return l.bus.Publish(staff.TopicHelp, []byte(c.ID))
}

// HasHelpCall implements hall.Staff.
func (l *Link) HasHelpCall(ctx context.Context, kioskID, txnID string) (bool, error) {
	_, err := l.store.HelpCall(ctx, kioskID+"/"+txnID)
	if errors.Is(err, staff.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// HelpCancelled implements hall.Staff: the call is closed as cancelled and the seat's page
// and the duty board learn it live.
func (l *Link) HelpCancelled(ctx context.Context, kioskID, txnID string, receivedAt time.Time) error {
	c, err := staff.Cancel(ctx, l.store, kioskID+"/"+txnID, receivedAt)
	if err != nil {
		return err
	}
	return l.bus.Publish(staff.TopicHelp, []byte(c.ID))
}

// HelpState implements hall.Staff.
func (l *Link) HelpState(ctx context.Context, kioskID string) (hallapi.HelpState, error) {
	c, err := l.store.LatestHelpCall(ctx, kioskID)
	if errors.Is(err, staff.ErrNotFound) {
		return hallapi.HelpState{}, fmt.Errorf("%w: %w", hall.ErrNotFound, err)
	}
	if err != nil {
		return hallapi.HelpState{}, err
	}
	return hallapi.HelpState{TxnID: strings.TrimPrefix(c.ID, kioskID+"/"), State: c.State, AcceptedAt: c.AcceptedAt}, nil
}

// Take implements hall.Queue: a kiosk takes a ticket.
func (l *Link) Take(ctx context.Context, business string, now time.Time) (hallapi.Ticket, error) {
	t, ahead, err := l.store.TakeTicket(ctx, staff.Ticket{Day: staff.Day(now), Business: business, IssuedAt: now.UTC()})
	if err != nil {
		return hallapi.Ticket{}, err
	}
	l.bus.Publish(staff.TopicQueue, []byte(t.Number))
	return hallapi.Ticket{Business: business, Number: t.Number, Waiting: ahead, IssuedAt: now.UTC()}, nil
}

// Call implements hall.Queue for the hall's counter API (hall serve --counters), which
// names no counter: the ticket is shown as called to counter 0.
func (l *Link) Call(ctx context.Context, business string, now time.Time) (hallapi.Ticket, error) {
	day := staff.Day(now)
	t, err := l.store.CallNext(ctx, day, business, 0, "", now)
	if err != nil && !errors.Is(err, staff.ErrEmpty) {
		return hallapi.Ticket{}, err
	}
	q, qerr := l.store.Queue(ctx, day, 0)
	if qerr != nil {
		return hallapi.Ticket{}, qerr
	}
	if err == nil {
		l.bus.Publish(staff.TopicQueue, []byte(t.Number))
	}
	return hallapi.Ticket{Business: business, Number: t.Number, Waiting: q.Waiting[business], IssuedAt: now.UTC()}, nil
}

// serviceOfScreen is the service a kiosk screen belongs to, "" for the screens outside
// any service (idle, welcome, rating). The names are the kiosk's (ui/screens).
func serviceOfScreen(screen string) string {
	switch {
	case screen == "vat" || screen == "confirm" || screen == "submitting" || screen == "result" || screen == "filer" || screen == "code":
		return string(txn.KindVATReturn)
	case strings.HasPrefix(screen, "invoice_"):
		return string(txn.KindInvoiceCollection)
	case strings.HasPrefix(screen, "pay_"):
		return string(txn.KindTaxPayment)
	case screen == "cert":
		return string(txn.KindCertificate)
	case screen == "scan" || screen == "scan_help":
		return string(txn.KindInvoiceVerification)
	case screen == "queue" || screen == "ticket":
		return string(txn.KindQueueTicket)
	case screen == "pin" || screen == "maint":
		return "maintenance"
	}
	return ""
}
