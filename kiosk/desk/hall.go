package desk

import (
	"context"
	"sync"
	"time"

	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// HallServices are the hall's answers a taxpayer waits for at the kiosk: whom they may act
// for, and whether an invoice is genuine. Offline, the desk goes on without them: the
// taxpayer types a credit code, and invoice checks are queued.
type HallServices interface {
	Lookup(ctx context.Context, idNumber string) ([]hallapi.Enterprise, error)
	VerifyInvoice(ctx context.Context, q hallapi.InvoiceQuery) (hallapi.Verification, error)
	TakeTicket(ctx context.Context, business string) (hallapi.Ticket, error)
}

// hallAsk bounds a question to the hall asked while a taxpayer waits.
const hallAsk = 5 * time.Second

// enterprises is what the hall said the current taxpayer may act for; dropped with the
// session.
type enterprises struct {
	mu   sync.Mutex
	list []hallapi.Enterprise
}

func (e *enterprises) set(l []hallapi.Enterprise) {
	e.mu.Lock()
	e.list = l
	e.mu.Unlock()
}

func (e *enterprises) get() []hallapi.Enterprise {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.list
}

// lookupEnterprises asks the hall, in the background, whom the taxpayer may act for.
func (d *Desk) lookupEnterprises(ctx context.Context, idNumber string) {
	if d.opts.Hall == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(ctx, hallAsk)
		defer cancel()
		list, err := d.opts.Hall.Lookup(ctx, idNumber)
		if err != nil {
			d.log.Info("desk: enterprises not looked up; the taxpayer may type a credit code", "err", err)
			return
		}
		if !d.sess.Active() {
			return // the taxpayer left meanwhile
		}
		d.ents.set(list)
		d.emit(EnterprisesLoaded{Count: len(list)})
	}()
}

// Enterprises lists whom the current taxpayer may act for, as the hall said; empty when
// offline or not yet answered.
func (d *Desk) Enterprises() []hallapi.Enterprise {
	if !d.sess.Active() {
		return nil
	}
	return d.ents.get()
}

// Verification is the hall's verdict on a scanned invoice, or Queued when the hall could not
// be asked and the check was accepted for later.
type Verification struct {
	Result  string // hallapi.InvoiceGenuine, InvoiceNotFound, InvoiceMismatch, or "" when queued
	Message hallapi.Text
	Queued  bool
	Number  string // the queued check's number, to follow it up by its receipt
}

// VerifyInvoice checks a scanned invoice with the hall; offline, the check becomes a
// transaction whose result comes later.
func (d *Desk) VerifyInvoice(ctx context.Context, inv *scanner.Invoice) (Verification, error) {
	q := hallapi.InvoiceQuery{TypeCode: inv.TypeCode, InvoiceCode: inv.InvoiceCode, InvoiceNumber: inv.InvoiceNumber,
		Amount: inv.Amount, Date: inv.Date, CheckCode: inv.CheckCode}
	if d.opts.Hall != nil && d.uplink.Status().Online {
		qctx, cancel := context.WithTimeout(ctx, hallAsk)
		v, err := d.opts.Hall.VerifyInvoice(qctx, q)
		cancel()
		if err == nil {
			return Verification{Result: v.Result, Message: v.Message}, nil
		}
		d.log.Info("desk: invoice check queued", "err", err)
	}
	t, err := d.accept(ctx, txn.KindInvoiceVerification, nil, q)
	if err != nil {
		return Verification{}, err
	}
	return Verification{Queued: true, Number: ReceiptNumber(t.Seq)}, nil
}
