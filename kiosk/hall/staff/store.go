package staff

import (
	"context"
	"time"
)

// Session is a logged-in browser. ID is the SHA-256 (hex) of the token in the browser's
// cookie; the token itself is never stored. CSRF is the token every form of the session
// carries back.
type Session struct {
	ID      string    `json:"id"`
	Account string    `json:"account"`
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// AuditEntry is one staff action: who did what, when. Detail never holds personal data.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`    // account name; "" for an unknown name at the login form
	Action string    `json:"action"` // "login", "login_failed", "help_accept", "queue_call"...
	Detail string    `json:"detail"`
}

// Kiosk is what the staff know of a kiosk: its name and where it stands in the hall.
type Kiosk struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Place string `json:"place"`
}

// Help call states.
const (
	HelpWaiting   = "waiting"
	HelpAccepted  = "accepted"
	HelpResolved  = "resolved"
	HelpCancelled = "cancelled" // the taxpayer withdrew it at the kiosk (取消呼叫)
)

// HelpCall is a taxpayer's call for the expert seat, from a kiosk's help_request
// transaction. ID is "kiosk id/transaction id"; Number is the call number the kiosk's screen
// showed the taxpayer (the transaction's receipt number), so that staff and taxpayer name
// the same call. Service, Screen and LastError are the
// kiosk's own codes (the page words them); MaskedName is the card holder's name masked
// (张**), "" when no card was read. No ID number is ever kept.
type HelpCall struct {
	ID         string    `json:"id"`
	KioskID    string    `json:"kiosk_id"`
	Number     string    `json:"number,omitempty"`
	CalledAt   time.Time `json:"called_at"` // when the hall received it: waiting time counts from here
	Source     string    `json:"source"`    // "button" or "screen"
	Service    string    `json:"service,omitempty"`
	Screen     string    `json:"screen,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
	MaskedName string    `json:"masked_name,omitempty"`
	State      string    `json:"state"`
	AcceptedBy string    `json:"accepted_by,omitempty"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Note       string    `json:"note,omitempty"`
	// CancelledAt is when the hall received the kiosk's cancel.
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
}

// Open reports whether the call still wants the seat: waiting or accepted, neither resolved
// nor withdrawn.
func (c HelpCall) Open() bool { return c.State == HelpWaiting || c.State == HelpAccepted }

// Ticket states.
const (
	TicketWaiting = "waiting"
	TicketCalled  = "called"
	TicketSkipped = "skipped"
)

// Ticket is one queue number of a day. Calls counts how often it was shown on the hall's
// display (the call and each recall).
type Ticket struct {
	Day      string    `json:"day"` // YYYY-MM-DD in China Standard Time
	Business string    `json:"business"`
	Seq      int       `json:"seq"`    // 1, 2, 3... per business and day
	Number   string    `json:"number"` // A001
	IssuedAt time.Time `json:"issued_at"`
	State    string    `json:"state"`
	Counter  int       `json:"counter,omitempty"`
	Clerk    string    `json:"clerk,omitempty"`
	CalledAt time.Time `json:"called_at,omitzero"` // the last call or recall
	Calls    int       `json:"calls,omitempty"`
}

// QueueState is a day's queue as the display and the counters show it: waiting tickets
// per business type, and the tickets called, latest call first.
type QueueState struct {
	Waiting map[string]int
	Called  []Ticket
}

// Store keeps staff data. Every method is one transaction.
type Store interface {
	// AddAccount stores a new account; ErrExists when the name is taken.
	AddAccount(ctx context.Context, a Account) error
	Account(ctx context.Context, name string) (Account, error)
	// Accounts lists every account by name.
	Accounts(ctx context.Context) ([]Account, error)
	// UpdateAccount reads the account, lets f change it and stores it, atomically; f's
	// error aborts and is returned.
	UpdateAccount(ctx context.Context, name string, f func(*Account) error) (Account, error)

	PutSession(ctx context.Context, s Session) error
	Session(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error

	// Audit appends to the audit trail; AuditLog returns up to limit entries, newest first.
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)

	// PutKiosk stores a kiosk's name and place; Kiosks lists them by id.
	PutKiosk(ctx context.Context, k Kiosk) error
	Kiosks(ctx context.Context) ([]Kiosk, error)

	// AddHelpCall stores a new call in state waiting; added is false when a call with its
	// ID is stored already (the kiosk's help request was resent), which is left as it is.
	AddHelpCall(ctx context.Context, c HelpCall) (added bool, err error)
	HelpCall(ctx context.Context, id string) (HelpCall, error)
	// HelpCalls returns the calls received at or after since and every open call (neither
	// resolved nor cancelled), oldest first.
	HelpCalls(ctx context.Context, since time.Time) ([]HelpCall, error)
	// LatestHelpCall is a kiosk's most recent call (what the kiosk asks about).
	LatestHelpCall(ctx context.Context, kioskID string) (HelpCall, error)
	UpdateHelpCall(ctx context.Context, id string, f func(*HelpCall) error) (HelpCall, error)

	// TakeTicket issues the next number of business on t.Day (Seq and Number are
	// assigned; the rest of t is kept) and returns it with how many of that business
	// wait before it.
	TakeTicket(ctx context.Context, t Ticket) (Ticket, int, error)
	// CallNext marks the oldest waiting ticket of business on day called by counter and
	// clerk at now; ErrEmpty when none waits.
	CallNext(ctx context.Context, day, business string, counter int, clerk string, now time.Time) (Ticket, error)
	UpdateTicket(ctx context.Context, day, number string, f func(*Ticket) error) (Ticket, error)
	// Queue is day's queue with at most lastCalls called tickets.
	Queue(ctx context.Context, day string, lastCalls int) (QueueState, error)

	Close() error
}
