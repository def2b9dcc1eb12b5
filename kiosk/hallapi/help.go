package hallapi

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// PathHelp answers a kiosk's question "has the expert seat taken my call?":
// GET /v1/help?kiosk=ID gives the HelpState of the kiosk's latest help_request.
const PathHelp = "/v1/help"

// Help call states, as HelpState.State gives them.
const (
	HelpWaiting  = "waiting"  // nobody has taken the call yet
	HelpAccepted = "accepted" // a seat took it and is on the way: 专家已接单，请稍候
	HelpResolved = "resolved" // the seat closed it
	// HelpCancelled: the kiosk withdrew it (a help_cancel transaction).
	HelpCancelled = "cancelled"
)

// HelpBody is the body of a "help_request" transaction. Source is "button" or "screen";
// Screen and LastError are the kiosk's own names of the screen shown and the last message
// key it showed, so that the seat knows where the taxpayer is stuck; both may be empty.
// The card holder, if any, travels as the transaction's Taxpayer (sealed at the hall; the
// seat sees the name masked and never the ID number).
type HelpBody struct {
	Source    string `json:"source"`
	Session   bool   `json:"session"`
	Screen    string `json:"screen,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

// HelpCancelBody is the body of a "help_cancel" transaction: Call is the id of the kiosk's
// own help_request transaction it withdraws. The hall refuses a cancel naming a call the
// kiosk did not make (ResultUnknownCall).
type HelpCancelBody struct {
	Call string `json:"call"`
}

// HelpState is the state of a kiosk's latest help call. TxnID is the help_request's
// transaction id, so that a kiosk knows the answer is about the call it made.
type HelpState struct {
	TxnID      string    `json:"txn_id"`
	State      string    `json:"state"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
}

// Help asks the hall about kioskID's latest help call; a kiosk that never called (or a
// hall without staff pages) gets an *Error with CodeNotFound.
func (c *Client) Help(ctx context.Context, kioskID string) (HelpState, error) {
	var h HelpState
	err := c.do(ctx, http.MethodGet, PathHelp+"?"+url.Values{"kiosk": {kioskID}}.Encode(), nil, &h)
	return h, err
}
