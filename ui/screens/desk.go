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
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/session"
	"taxkiosk/kiosk/txn"
)

// This file is the screens' only view of the kiosk core: the core's API may change under
// it (the desk is being split by service), and then this one file changes with it.

// Desk is the kiosk core as the screens use it.
type Desk interface {
	Touch()
	Remaining() time.Duration
	Person() (session.Person, bool)
	EndSession(session.EndReason)
	KeepSession()
	EnterMaintenance(ctx context.Context, pin, via string) error
	ExitMaintenance(ctx context.Context)
	CallHelp(ctx context.Context, source string) (number string, err error)
	Services() []desk.Availability
	History() []desk.HistoryItem
	Enterprises() []hallapi.Enterprise
	EnterprisesCachedAt() time.Time
	OutOfService() string
	InMaintenance() bool
	AwaitTechnician(on bool)
	Facilities() []desk.FacilityState
	VerifyInvoice(ctx context.Context, inv *scanner.Invoice) (desk.Verification, error)
	TakeTicket(ctx context.Context, business string, lang i18n.Lang) (desk.Ticket, error)
	Certificates() []desk.CertificateItem
	PrintCertificate(ctx context.Context, creditCode, certID string, lang i18n.Lang) (printKey string, err error)
	Reprint(ctx context.Context, txnID string) (printKey string, err error)
	Rate(ctx context.Context, level int, reasons []string, service txn.Kind) error
	VATDraft() vatreturn.Return
	ComputeVAT(r vatreturn.Return) (vatreturn.Return, error)
	VATThreshold(r vatreturn.Return) money.Amount
	SubmitVATReturn(ctx context.Context, r vatreturn.Return, lang i18n.Lang) (desk.Outcome, error)
	CollectInvoices(ctx context.Context, creditCode, typeCode string, qty int, lang i18n.Lang) (desk.Outcome, error)
	PayableItems(creditCode string) []desk.PayableItem
	PayTaxes(ctx context.Context, creditCode string, itemIDs []string, lang i18n.Lang) (desk.Outcome, error)
}

// techGate is the desk as the technician's pages use it: the door into maintenance, and
// the words for why it stayed shut.
type techGate struct{ Desk }

func (g techGate) Refusal(err error) (key string, kv []any) {
	var locked *desk.LockedError
	switch {
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
