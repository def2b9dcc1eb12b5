package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/latepay"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// Decide is the reference policy for one transaction on its own, over the demo registry
// (registry.Demo): it knows no payments made at the hall and hands out no queue numbers. A
// Server decides with the same rules over its Opts.Registry, its payment ledger and its queue.
//
// Results by kind (codes in hallapi, Result...):
//   - vat_return: approved "accepted"; for an enterprise with risk reminders the body must
//     carry "risk_ack": true, else counter_visit "risk_review".
//   - invoice_collection: approved "accepted" within an approved type and its limit.
//   - tax_payment: approved "paid" when every item is outstanding, the enterprise has a
//     payment agreement and the total matches: the items' taxes plus the late-payment
//     surcharge of the overdue ones up to the day the kiosk accepted the payment (package
//     latepay), which the body also states apart ("surcharge"); rejected otherwise. The body must name the
//     card session it was made in (rejected "no_session" otherwise).
//   - certificate: approved "issued" for a certificate the enterprise has.
//   - invoice_verification: approved "genuine", else rejected "not_found" or "mismatch".
//   - queue_ticket: approved "queued" with the ticket number in Message.
//   - help_request "seat_notified"; help_cancel "call_cancelled" for a help_request of the
//     same kiosk (stored, or earlier in the same batch), rejected "unknown_call" for any
//     other (another kiosk's call, or none); tamper_alarm, rating and audit "recorded".
//
// Before these rules, every body is validated (validate): an unreadable body is rejected
// "bad_body", a person's service without the card holder "no_taxpayer", an amount that is not
// exact yuan with two places or out of range "bad_amount", a period that does not exist or
// has not begun "bad_period", and a VAT return whose computed fields are not what the rules
// table gives for its sales "tax_mismatch". Services for an enterprise need the
// transaction's Taxpayer to be allowed to act for it (rejected "not_authorised" otherwise).
// ok is false for a kind the hall has no service for.
func Decide(t txn.Txn, now time.Time) (txn.Result, bool) {
	return decide(rulebook{reg: registry.Demo(), vat: vatreturn.DefaultRules(), sessionAge: Limits{}.withDefaults().SessionAge}, t, now, nil)
}

// rulebook is what the rules read besides the transaction: the registry, the VAT rules
// table, and how far a payment may lie from its card session.
type rulebook struct {
	reg        *registry.Registry
	vat        []vatreturn.Rules
	sessionAge time.Duration
}

// state is what a Server adds to the stateless policy: payments (with the ones decided
// earlier in the same batch) and the queue.
type state struct {
	paid  *pending
	queue Queue
	ctx   context.Context // the batch request's, for the queue
	watch *watch          // the card sessions lookups named; nil: none known
	// calls are the help_request ids of the batch's kiosk that its help_cancels may name:
	// the calls the staff side holds for it and the batch's own. Nil: no staff side to
	// ask; a cancel is then recorded as it is.
	calls map[string]bool
}

func decide(rb rulebook, t txn.Txn, now time.Time, st *state) (txn.Result, bool) {
	now = now.UTC()
	reg := rb.reg
	if !knownKind(t.Kind) {
		return txn.Result{}, false
	}
	if bad := validate(t, now, rb.vat, rb.sessionAge); bad != nil {
		return txn.Result{State: txn.Rejected, Code: bad.code, Message: bad.about, At: now}, true
	}
	ok := func(code, msg string) (txn.Result, bool) {
		return txn.Result{State: txn.Approved, Code: code, Message: msg, At: now}, true
	}
	no := func(code, msg string) (txn.Result, bool) {
		return txn.Result{State: txn.Rejected, Code: code, Message: msg, At: now}, true
	}
	// enterprise finds the enterprise a service is for and checks the card holder may act for it.
	enterprise := func(code string) (hallapi.Enterprise, *txn.Result) {
		e, found := reg.Enterprise(creditcode.Normalize(code))
		if !found {
			r, _ := no(hallapi.ResultUnknownEnterprise, "")
			return e, &r
		}
		if t.Taxpayer == nil {
			r, _ := no(hallapi.ResultNotAuthorised, "")
			return e, &r
		}
		if _, may := reg.Role(normalID(t.Taxpayer.IDNumber), e.CreditCode); !may {
			r, _ := no(hallapi.ResultNotAuthorised, "")
			return e, &r
		}
		return e, nil
	}
	switch t.Kind {
	case txn.KindVATReturn:
		var b struct {
			Filer struct {
				Kind       string `json:"kind"`
				CreditCode string `json:"credit_code"`
			} `json:"filer"`
			hallapi.VATReturnRisk
		}
		if !readBody(t.Body, &b) {
			return no(hallapi.ResultBadBody, "")
		}
		if b.Filer.Kind != "enterprise" {
			return ok(hallapi.ResultAccepted, "")
		}
		e, bad := enterprise(b.Filer.CreditCode)
		if bad != nil {
			return *bad, true
		}
		if len(e.Reminders) > 0 && !b.RiskAck {
			return txn.Result{State: txn.CounterVisit, Code: hallapi.ResultRiskReview, At: now}, true
		}
		return ok(hallapi.ResultAccepted, "")

	case txn.KindInvoiceCollection:
		var b hallapi.InvoiceCollectionBody
		if !readBody(t.Body, &b) || b.TypeCode == "" {
			return no(hallapi.ResultBadBody, "")
		}
		e, bad := enterprise(b.CreditCode)
		if bad != nil {
			return *bad, true
		}
		for _, a := range e.Approvals {
			if a.TypeCode != b.TypeCode {
				continue
			}
			if b.Quantity < 1 || b.Quantity > a.MaxPerCollection {
				return no(hallapi.ResultOverLimit, strconv.Itoa(a.MaxPerCollection))
			}
			return ok(hallapi.ResultAccepted, "")
		}
		return no(hallapi.ResultTypeNotApproved, b.TypeCode)

	case txn.KindTaxPayment:
		var b hallapi.TaxPaymentBody
		if !readBody(t.Body, &b) || len(b.Items) == 0 {
			return no(hallapi.ResultBadBody, "")
		}
		e, bad := enterprise(b.CreditCode)
		if bad != nil {
			return *bad, true
		}
		if st != nil {
			e = st.paid.owing(e) // and what returns filed here owe
		}
		if st != nil && st.watch != nil && st.watch.otherPerson(t.KioskID, *b.Session, normalID(t.Taxpayer.IDNumber)) {
			return no(hallapi.ResultNoSession, "") // the session's card is someone else's
		}
		if e.Agreement == nil {
			return no(hallapi.ResultNoAgreement, "")
		}
		seen := map[string]bool{}
		for _, id := range b.Items {
			if _, found := findItem(e.Outstanding, id); !found || seen[id] {
				return no(hallapi.ResultNotOutstanding, id)
			}
			seen[id] = true
			if st != nil {
				if p, was := st.paid.lookup(e.CreditCode, id); was && (p.kiosk != t.KioskID || p.txnID != t.ID) {
					return no(hallapi.ResultPaidByOther, id)
				}
			}
		}
		// Overdue items bear the late-payment surcharge up to the day the kiosk accepted
		// the payment, computed as the kiosk computed it (package latepay).
		paidAt := t.CreatedAt
		if paidAt.IsZero() {
			paidAt = now
		}
		bill, err := latepay.Pay(e.Outstanding, b.Items, paidAt)
		if err != nil {
			return no(hallapi.ResultNotOutstanding, "")
		}
		total := bill.Total()
		if total != b.Total || b.Surcharge != bill.Surcharge {
			return no(hallapi.ResultTotalMismatch, total.String())
		}
		if st != nil {
			for _, id := range b.Items {
				st.paid.add(e.CreditCode, id, payer{kiosk: t.KioskID, txnID: t.ID, at: now})
			}
		}
		return ok(hallapi.ResultPaid, total.String())

	case txn.KindCertificate:
		var b hallapi.CertificateBody
		if !readBody(t.Body, &b) || b.CertificateID == "" {
			return no(hallapi.ResultBadBody, "")
		}
		e, bad := enterprise(b.CreditCode)
		if bad != nil {
			return *bad, true
		}
		if st != nil {
			e = st.paid.apply(e)
		}
		for _, c := range e.Certificates {
			if c.ID == b.CertificateID {
				return ok(hallapi.ResultIssued, "")
			}
		}
		return no(hallapi.ResultUnknownCertificate, b.CertificateID)

	case txn.KindInvoiceVerification:
		var q hallapi.InvoiceQuery
		if !readBody(t.Body, &q) || q.InvoiceNumber == "" {
			return no(hallapi.ResultBadBody, "")
		}
		v := reg.VerifyInvoice(q)
		if v.Result == hallapi.InvoiceGenuine {
			return ok(v.Result, "")
		}
		return no(v.Result, strings.Join(v.Fields, ","))

	case txn.KindQueueTicket:
		var b hallapi.QueueTicketBody
		if !readBody(t.Body, &b) || !knownBusiness(b.Business) {
			return no(hallapi.ResultBadBody, "")
		}
		if b.Number == "" && st != nil {
			// A ticket printed offline gets its number now; if the queue cannot give one the
			// ticket is still recorded, numberless.
			if tk, err := st.queue.Take(st.ctx, b.Business, now); err == nil {
				b.Number = tk.Number
			}
		}
		return ok(hallapi.ResultQueued, b.Number)

	case txn.KindHelpRequest:
		return ok(hallapi.ResultSeatNotified, "")
	case txn.KindHelpCancel:
		var b hallapi.HelpCancelBody
		if !readBody(t.Body, &b) || b.Call == "" {
			return no(hallapi.ResultBadBody, "call")
		}
		if st == nil || st.calls == nil {
			return ok(hallapi.ResultCallCancelled, "")
		}
		// The call is named by the kiosk's own transaction id and looked up under the
		// kiosk that sent the cancel: another kiosk's call is never found, so never touched.
		if !st.calls[b.Call] {
			return no(hallapi.ResultUnknownCall, b.Call)
		}
		return ok(hallapi.ResultCallCancelled, "")
	case txn.KindTamper, txn.KindRating, txn.KindAudit:
		return ok(hallapi.ResultRecorded, "")
	}
	return txn.Result{}, false
}

func knownKind(k txn.Kind) bool {
	switch k {
	case txn.KindVATReturn, txn.KindInvoiceCollection, txn.KindTaxPayment, txn.KindCertificate,
		txn.KindInvoiceVerification, txn.KindQueueTicket, txn.KindHelpRequest, txn.KindHelpCancel, txn.KindTamper,
		txn.KindRating, txn.KindAudit:
		return true
	}
	return false
}

// readBody decodes a transaction body; an absent body reads as an empty object.
func readBody(body json.RawMessage, v any) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	return json.Unmarshal(body, v) == nil
}

func findItem(items []hallapi.TaxItem, id string) (hallapi.TaxItem, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return hallapi.TaxItem{}, false
}
