package hallapi

import (
	"errors"
	"fmt"
)

var (
	// ErrUnreachable: no usable answer from the hall (dial, timeout, 5xx, broken response).
	ErrUnreachable = errors.New("hallapi: hall unreachable")
	// ErrRejected: the hall refused the request (4xx).
	ErrRejected = errors.New("hallapi: rejected by hall")
	// ErrConfig: the client cannot be built (missing or unusable certificates, wrong URL).
	ErrConfig = errors.New("hallapi: client configuration")
)

// Error is a non-2xx answer from the hall. It matches ErrRejected for 4xx statuses and
// ErrUnreachable for the rest.
type Error struct {
	Status  int    // HTTP status
	Code    string // the hall's code, e.g. "bad_request"
	Message string // the hall's text; for technicians
}

func (e *Error) Error() string {
	return fmt.Sprintf("hallapi: hall answered %d %s: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error {
	if e.Status >= 400 && e.Status < 500 {
		return ErrRejected
	}
	return ErrUnreachable
}

// Error codes the hall uses in ErrorBody and Rejection.
const (
	CodeBadRequest  = "bad_request"  // malformed JSON or missing kiosk id
	CodeTooLarge    = "too_large"    // body or batch above the hall's limit
	CodeStorage     = "storage"      // the hall could not commit; resend later
	CodeInvalidTxn  = "invalid_txn"  // one transaction lacks an id or a kind, its id is too long, or it names another kiosk
	CodeInvalidText = "invalid_text" // one transaction's text is not valid UTF-8; refused, never rewritten
	CodeBusy        = "busy"         // 429: the hall is serving as many batches as it will; resend later
	CodeNoSession   = "no_session"   // a lookup without the card session it belongs to, or a stale one
	CodeRateLimited = "rate_limited" // 429: too many lookups from this kiosk or about this person; ask later
	CodeStaffOnly   = "staff_only"   // a counter's operation asked with a kiosk certificate
	CodeUnknownKind = "unknown_kind" // the hall has no service for the transaction's kind
	CodeNotFound    = "not_found"
	CodeNoCert      = "no_client_cert" // the hall requires a kiosk certificate (mutual TLS)
	CodeWrongKiosk  = "wrong_kiosk"    // the request names another kiosk than its certificate
	CodeBadSig      = "bad_signature"  // the batch's HeaderSignature is missing or wrong
	CodeMethod      = "method_not_allowed"
)
