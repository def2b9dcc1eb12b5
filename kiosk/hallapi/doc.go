// Package hallapi is the wire format between a kiosk and the tax hall's server, and a Go
// client for it. JSON over HTTP/1.1:
//
//	POST /v1/batches                       Batch -> BatchResponse
//	GET  /v1/health                        -> Health
//	GET  /v1/results?kiosk=ID&since=CURSOR -> ResultsPage
//	POST /v1/lookup                        LookupRequest -> LookupResponse
//	GET  /v1/enterprises/{credit_code}     -> Enterprise
//	POST /v1/queue                         QueueRequest -> Ticket
//	POST /v1/queue/call                    QueueRequest -> Ticket (a counter calls the next; never a kiosk)
//	POST /v1/verify-invoice                InvoiceQuery -> Verification
//	POST /v1/heartbeat                     Heartbeat -> HeartbeatAnswer (every few seconds; the duty leader's board)
//	GET  /v1/notices?kiosk=ID              -> Notices (the duty leader's announcements for the idle screen)
//
// The taxpayer services' reads carry the ID number in a POST body (LookupRequest), never in a
// URL, so that it stays out of access logs; the hall never logs it either. A lookup and a
// payment name the card session they belong to (Session: card read time and the reader's
// SAM id); the hall refuses them without one (CodeNoSession, ResultNoSession) and limits
// lookups per kiosk and per person (429 CodeRateLimited). Amounts are exact decimal strings
// in yuan with two places ("1291.67", package money); the hall refuses any other form. The bodies the hall reads in the
// services' transactions (InvoiceCollectionBody, TaxPaymentBody, ...) and the result codes it
// answers them with (Result...) are defined here too.
//
// A batch is idempotent: the hall stores each transaction once, keyed on (kiosk id,
// transaction id), and answers a resent transaction as a duplicate together with the result
// it decided the first time. A kiosk may therefore resend anything whose answer it did not
// receive. Errors have the body {"code": "...", "message": "..."}.
//
// Client errors are typed so the sync loop knows what to do: ErrUnreachable (dial failures,
// timeouts, 5xx, a cut or unreadable response: resend later) and ErrRejected (4xx: the hall
// refuses the request itself; resending it unchanged will not help; 429 is the exception,
// "later"). An *Error carries the HTTP status and the hall's code. One transaction the hall
// refuses for good (an id too long, text not UTF-8) is a Rejection in a 200 answer, named by
// its Index in the batch when its id could not be given back as sent.
//
// A hall that requires kiosk certificates (hall.Opts.RequireKiosk) is reached with
// NewTLSClient: mutual TLS with the kiosk's certificate (read by kiosk/mtls, so that the
// kiosk links no hall package), every batch signed with its key.
//
// Every client call takes a context; at its deadline the request is abandoned and the call
// returns ErrUnreachable wrapping the context's error. Whether the hall stored an abandoned
// batch is unknown, which is safe because of the deduplication above.
package hallapi
