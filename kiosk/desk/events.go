package desk

import (
	"time"

	"taxkiosk/kiosk/session"
)

// Event is something the screens must react to. A service posts its own (Post) by giving
// its event type the ScreenEvent method.
type Event interface{ ScreenEvent() }

// SessionStarted: a taxpayer placed an ID card and it was read.
type SessionStarted struct{ Person session.Person }

// SessionEnded: the session is over and its personal data forgotten; screens go home.
type SessionEnded struct{ Reason session.EndReason }

// CardFailed: a card was placed but could not be read; MessageKey says what to tell them.
type CardFailed struct{ MessageKey string }

// ServicesChanged: a service became available or unavailable; screens re-read Services.
type ServicesChanged struct{}

// CardLifted: the ID card left the reader mid-session; the screen asks whether to finish.
// Without an answer (KeepSession or EndSession) the session ends after Grace.
type CardLifted struct{ Grace time.Duration }

func (CardLifted) ScreenEvent() {}

// CardReturned: the same person's card is back on the reader after CardLifted; the session
// goes on and the screen stops asking.
type CardReturned struct{}

func (CardReturned) ScreenEvent() {}

// CardOnReader: after a session ended, the card still lies on the reader (On), or has been
// taken (!On); the idle screen asks for it to be taken meanwhile.
type CardOnReader struct{ On bool }

func (CardOnReader) ScreenEvent() {}

// MaintenanceChanged: the kiosk left or returned to taxpayer service for a technician.
type MaintenanceChanged struct{ On bool }

func (MaintenanceChanged) ScreenEvent() {}

// PresenceChanged: someone stepped up to the kiosk, or left.
type PresenceChanged struct{ Present bool }

// HelpCalled: the expert seat was called; Number identifies the call.
type HelpCalled struct{ Number string }

// DoorChanged: the cabinet door opened or closed.
type DoorChanged struct{ Open bool }

func (PresenceChanged) ScreenEvent() {}
func (HelpCalled) ScreenEvent()      {}
func (DoorChanged) ScreenEvent()     {}
func (SessionStarted) ScreenEvent()  {}
func (ServicesChanged) ScreenEvent() {}
func (SessionEnded) ScreenEvent()    {}
func (CardFailed) ScreenEvent()      {}

// EnterprisesLoaded: the hall said whom the taxpayer may act for, or, while the hall cannot be
// reached, the kiosk's cache said what the hall last said (CachedAt is then when).
type EnterprisesLoaded struct {
	Count    int
	CachedAt time.Time
}

func (EnterprisesLoaded) ScreenEvent() {}

// TechnicianRefused: a card placed at the PIN pad did not open maintenance; Err is
// ErrUnknownCard, a *LockedError or ErrSessionActive.
type TechnicianRefused struct{ Err error }

func (TechnicianRefused) ScreenEvent() {}
