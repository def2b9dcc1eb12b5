package screens

import (
	"context"
	"errors"
	"time"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/desk"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/services"
	"taxkiosk/kiosk/services/certificate"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/services/history"
	"taxkiosk/kiosk/services/payment"
	"taxkiosk/kiosk/services/queue"
	"taxkiosk/kiosk/services/scan"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
)

// This file is the screens' only view of the kiosk core: the desk (the counter) here, and
// the taxpayer services beside it (services.Set, one package each under kiosk/services).

// Desk is the kiosk core as the screens use it; the taxpayer services come beside it.
type Desk interface {
	Touch()
	Remaining() time.Duration
	Person() (session.Person, bool)
	EndSession(session.EndReason)
	KeepSession()
	EnterMaintenance(ctx context.Context, pin, via string) error
	ExitMaintenance(ctx context.Context)
	CallHelp(ctx context.Context, source string) (number string, err error)
	// CancelHelp withdraws the open call (desk.ErrNoHelpCall: none is open).
	CancelHelp(ctx context.Context) (number string, err error)
	NoteScreen(screen, lastError string)
	Services() []desk.Availability
	Enterprises() []hallapi.Enterprise
	EnterprisesCachedAt() time.Time
	OutOfService() string
	InMaintenance() bool
	AwaitTechnician(on bool)
	Facilities() []desk.FacilityState
}

// Services are the taxpayer services as the screens use them, one small port each, so that a
// screen test can stand in for any of them; ServicesOf fills them from the kiosk's.
type Services struct {
	Filing interface {
		Draft() vatreturn.Return
		Compute(r vatreturn.Return) (vatreturn.Return, error)
		Threshold(r vatreturn.Return) money.Amount
		Admits(r vatreturn.Return) error
		Submit(ctx context.Context, r vatreturn.Return, lang i18n.Lang) (counter.Outcome, error)
	}
	Invoice interface {
		Collect(ctx context.Context, creditCode, typeCode string, qty int, lang i18n.Lang) (counter.Outcome, error)
	}
	Payment interface {
		Items(creditCode string) []payment.Item
		Pay(ctx context.Context, creditCode string, itemIDs []string, lang i18n.Lang) (counter.Outcome, error)
	}
	Certificate interface {
		List() []certificate.Item
		Print(ctx context.Context, creditCode, certID string, lang i18n.Lang) (printKey string, err error)
	}
	Queue interface {
		Take(ctx context.Context, business string, lang i18n.Lang) (queue.Ticket, error)
	}
	Rating interface {
		Rate(ctx context.Context, level int, why []string, service txn.Kind) error
	}
	Scan interface {
		Verify(ctx context.Context, inv *scanner.Invoice) (scan.Verification, error)
	}
	History interface {
		List() []history.Item
		Reprint(ctx context.Context, txnID string) (printKey string, err error)
	}
}

// ServicesOf is the kiosk's services as the screens reach them.
func ServicesOf(s services.Set) Services {
	return Services{Filing: s.Filing, Invoice: s.Invoice, Payment: s.Payment, Certificate: s.Certificate,
		Queue: s.Queue, Rating: s.Rating, Scan: s.Scan, History: s.History}
}

// techGate is the desk as the technician's pages use it: the door into maintenance, and
// the words for why it stayed shut.
type techGate struct{ Desk }

func (g techGate) Refusal(err error) (key string, kv []any) {
	var locked *desk.LockedError
	var wrong *desk.WrongPINError
	switch {
	case errors.As(err, &wrong):
		return "maint.pin.wrong_left", []any{"left", wrong.Left}
	case errors.As(err, &locked):
		return "maint.pin.locked", []any{"min", int((locked.Wait + time.Minute - 1) / time.Minute)}
	case errors.Is(err, desk.ErrSessionActive):
		return "maint.pin.session", nil
	case errors.Is(err, desk.ErrNoPINs):
		return "maint.pin.none", nil
	case errors.Is(err, desk.ErrUnknownCard):
		return "maint.pin.card_unknown", nil
	}
	return "maint.pin.wrong", nil
}
