package queue

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// ErrOffline: numbers come from the hall's calling system; without the hall none can be
// issued that the counters would call.
var ErrOffline = &counter.RefusedError{ReasonKey: "queue.offline"}

// Counter is the front desk as the queue uses it.
type Counter interface {
	Online() bool
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Print(ctx context.Context, id string, doc *escpos.Document) (printKey string)
	Letterhead() counter.Letterhead
	Now() time.Time
}

// Hall is the hall's calling system.
type Hall interface {
	TakeTicket(ctx context.Context, business string) (hallapi.Ticket, error)
}

// ask bounds the question to the hall while someone waits at the kiosk.
const ask = 5 * time.Second

var businesses = []string{hallapi.BusinessFiling, hallapi.BusinessInvoice, hallapi.BusinessRegistration, hallapi.BusinessConsulting}

// Businesses lists the counters' business types in screen order.
func Businesses() []string { return append([]string(nil), businesses...) }

// Ticket is a queue ticket as the screen shows it.
type Ticket struct {
	Number   string
	Waiting  int
	PrintKey string // why the ticket did not print, or ""
}

// Service issues tickets.
type Service struct {
	c    Counter
	hall Hall
	cat  *i18n.Catalog
	log  *slog.Logger
}

// New is the queue service over counter c and the hall (nil: never online); cat holds the
// tickets' texts; a nil log means slog.Default().
func New(c Counter, hall Hall, cat *i18n.Catalog, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{c: c, hall: hall, cat: cat, log: log}
}

// Take takes a number for business from the hall's queue, records it and prints it.
func (s *Service) Take(ctx context.Context, business string, lang i18n.Lang) (Ticket, error) {
	if s.hall == nil || !s.c.Online() {
		return Ticket{}, ErrOffline
	}
	qctx, cancel := context.WithTimeout(ctx, ask)
	t, err := s.hall.TakeTicket(qctx, business)
	cancel()
	if err != nil {
		s.log.Info("queue: no ticket", "err", err)
		if errors.Is(err, hallapi.ErrUnreachable) {
			return Ticket{}, ErrOffline
		}
		return Ticket{}, err
	}
	doc := ticket(s.cat, lang, s.c.Letterhead(), t, business, s.c.Now())
	out, err := s.c.Submit(ctx, counter.Submission{Kind: txn.KindQueueTicket, Always: true,
		Body:    hallapi.QueueTicketBody{Business: business, Number: t.Number},
		Receipt: func(txn.Txn, bool) *escpos.Document { return doc }})
	key := out.PrintKey
	if err != nil {
		s.log.Warn("queue: ticket not recorded", "err", err) // the number stands: the hall gave it
		key = s.c.Print(ctx, "ticket-"+t.Number+"-"+t.IssuedAt.Format("20060102T150405"), doc)
	}
	return Ticket{Number: t.Number, Waiting: t.Waiting, PrintKey: key}, nil
}

// ticket lays out a queue ticket: the number large, the business, who waits before.
func ticket(c *i18n.Catalog, lang i18n.Lang, head counter.Letterhead, t hallapi.Ticket, business string, now time.Time) *escpos.Document {
	T := func(k string, kv ...any) string { return c.T(lang, k, kv...) }
	doc := &escpos.Document{}
	return doc.Title(T("ticket.title")).
		Paragraph(head.HallName).
		Separator().
		Title(t.Number).
		Pair(T("ticket.business"), T("queue."+business)).
		Pair(T("ticket.waiting"), T("ticket.waiting.value", "n", t.Waiting)).
		Pair(T("ticket.time"), now.In(head.Location).Format("2006-01-02 15:04")).
		Paragraph(T("ticket.note")).
		Feed(2).
		Cut()
}
