package desk

import (
	"context"
	"errors"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/txn"
)

// QueueBusinesses are the counters' business types, in screen order.
var queueBusinesses = []string{hallapi.BusinessFiling, hallapi.BusinessInvoice, hallapi.BusinessRegistration, hallapi.BusinessConsulting}

// QueueBusinesses lists the counters' business types in screen order.
func QueueBusinesses() []string { return append([]string(nil), queueBusinesses...) }

// ErrQueueOffline: numbers come from the hall's calling system; without the hall none can be
// issued that the counters would call.
var ErrQueueOffline = &RefusedError{ReasonKey: "queue.offline"}

// Ticket is a queue ticket as the screen shows it.
type Ticket struct {
	Number   string
	Waiting  int
	PrintKey string // why the ticket did not print, or ""
}

// TakeTicket takes a number for business from the hall's queue, records it and prints it.
// No ID card is needed: anyone in the hall may queue.
func (d *Desk) TakeTicket(ctx context.Context, business string, lang i18n.Lang) (Ticket, error) {
	if d.opts.Hall == nil || !d.uplink.Status().Online {
		return Ticket{}, ErrQueueOffline
	}
	qctx, cancel := context.WithTimeout(ctx, hallAsk)
	t, err := d.opts.Hall.TakeTicket(qctx, business)
	cancel()
	if err != nil {
		d.log.Info("desk: no queue ticket", "err", err)
		if errors.Is(err, hallapi.ErrUnreachable) {
			return Ticket{}, ErrQueueOffline
		}
		return Ticket{}, err
	}
	if _, err := d.accept(ctx, txn.KindQueueTicket, nil, hallapi.QueueTicketBody{Business: business, Number: t.Number}); err != nil {
		d.log.Warn("desk: queue ticket not recorded", "err", err) // the number stands: the hall gave it
	}
	doc := d.ticketReceipt(t, business, lang)
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	_, key := d.print(ctx, &escpos.Job{ID: "ticket-" + t.Number + "-" + t.IssuedAt.Format("20060102T150405"), Doc: doc})
	return Ticket{Number: t.Number, Waiting: t.Waiting, PrintKey: key}, nil
}

// ticketReceipt lays out a queue ticket: the number large, the business, who waits before.
func (d *Desk) ticketReceipt(t hallapi.Ticket, business string, lang i18n.Lang) *escpos.Document {
	T := func(k string, kv ...any) string { return d.opts.Catalog.T(lang, k, kv...) }
	doc := &escpos.Document{}
	return doc.Title(T("ticket.title")).
		Paragraph(d.hallName()).
		Separator().
		Title(t.Number).
		Pair(T("ticket.business"), T("queue."+business)).
		Pair(T("ticket.waiting"), T("ticket.waiting.value", "n", t.Waiting)).
		Pair(T("ticket.time"), d.opts.Now().In(d.opts.Location).Format("2006-01-02 15:04")).
		Paragraph(T("ticket.note")).
		Feed(2).
		Cut()
}
