package services

import (
	"log/slog"

	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/certificate"
	"taxkiosk/kiosk/services/filing"
	"taxkiosk/kiosk/services/history"
	"taxkiosk/kiosk/services/invoice"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/kiosk/services/rating"
	"taxkiosk/kiosk/services/scan"
)

// Set is every taxpayer service of one kiosk, as the screens use them.
type Set struct {
	Filing      *filing.Service
	Invoice     *invoice.Service
	Payment     *payment.Service
	Certificate *certificate.Service
	Queue       *queue.Service
	Rating      *rating.Service
	Scan        *scan.Service
	History     *history.Service
}

// Hall is the hall's side of the services a taxpayer waits for: invoice checks and queue
// numbers.
type Hall interface {
	scan.Hall
	queue.Hall
}

// Records are the transactions accepted at this kiosk (the outbox).
type Records interface {
	payment.Records
	scan.Records
}

// Journal is the printer journal; nil means no receipt can be printed again.
type Journal interface {
	history.Journal
}

// Opts are what the services need besides the desk.
type Opts struct {
	Catalog *i18n.Catalog // receipts' texts; required
	Hall    Hall          // nil: invoice checks are queued and no queue numbers are issued
	Records Records       // the outbox; required
	Journal Journal       // the printer journal; nil: no reprints
	Filing  filing.Opts   // the VAT rules and period; its Catalog is set from Catalog
	Log     *slog.Logger  // nil means slog.Default()
}

// New assembles the services over d.
func New(d *desk.Desk, o Opts) Set {
	o.Filing.Catalog = o.Catalog
	return Set{
		Filing:      filing.New(d, o.Filing),
		Invoice:     invoice.New(d, o.Catalog),
		Payment:     payment.New(d, o.Records, o.Catalog, o.Log),
		Certificate: certificate.New(d, o.Catalog),
		Queue:       queue.New(d, o.Hall, o.Catalog, o.Log),
		Rating:      rating.New(d),
		Scan:        scan.New(d, o.Hall, o.Records, func(e scan.Scanned) { d.Post(e) }, o.Log),
		History:     history.New(d, o.Records, o.Journal, o.Log),
	}
}

var (
	_ filing.Counter      = (*desk.Desk)(nil)
	_ invoice.Counter     = (*desk.Desk)(nil)
	_ payment.Counter     = (*desk.Desk)(nil)
	_ certificate.Counter = (*desk.Desk)(nil)
	_ queue.Counter       = (*desk.Desk)(nil)
	_ rating.Counter      = (*desk.Desk)(nil)
	_ scan.Counter        = (*desk.Desk)(nil)
	_ history.Counter     = (*desk.Desk)(nil)
)
