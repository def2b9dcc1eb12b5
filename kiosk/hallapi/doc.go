// Package hallapi is the wire format between a kiosk and the tax hall's server, and a Go
// client for it. JSON over HTTP/1.1:
//
//	POST /v1/batches                       Batch -> BatchResponse
//	GET  /v1/health                        -> Health
//	GET  /v1/results?kiosk=ID&since=CURSOR -> ResultsPage
//
// A batch is idempotent: the hall stores each transaction once, keyed on (kiosk id,
// transaction id), and answers a resent transaction as a duplicate together with the result
// it decided the first time. A kiosk may therefore resend anything whose answer it did not
// receive. Errors have the body {"code": "...", "message": "..."}.
//
// Client errors are typed so the sync loop knows what to do: ErrUnreachable (dial failures,
// timeouts, 5xx, a cut or unreadable response: resend later) and ErrRejected (4xx: the hall
// refuses the request itself; resending it unchanged will not help). An *Error carries the
// HTTP status and the hall's code.
//
// A hall that requires kiosk certificates (hall.Opts.RequireKiosk) is reached with
// NewTLSClient: mutual TLS with the kiosk's certificate, every batch signed with its key.
//
// Every client call takes a context; at its deadline the request is abandoned and the call
// returns ErrUnreachable wrapping the context's error. Whether the hall stored an abandoned
// batch is unknown, which is safe because of the deduplication above.
package hallapi
