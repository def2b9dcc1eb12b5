package desk

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrSessionActive: maintenance waits until the taxpayer at the kiosk has finished;
	// a session in progress is never cut off.
	ErrSessionActive = errors.New("desk: a taxpayer is being served")
	// ErrWrongPIN: the PIN matched no technician.
	ErrWrongPIN = errors.New("desk: wrong PIN")
	// ErrNoPINs: no technician PIN is configured; maintenance is only open from kioskctl.
	ErrNoPINs = errors.New("desk: no technician PIN configured")
	// ErrNoHelpCall: there is no open call for the expert seat to cancel (none made, or
	// it was taken, resolved, cancelled or timed out already).
	ErrNoHelpCall = errors.New("desk: no open help call")
	// ErrUnknownCard: the card placed at the PIN pad is not on the technicians' allow list.
	ErrUnknownCard = errors.New("desk: card not on the technicians' allow list")
)

// KeyDoorOpen is OutOfService's reason while the cabinet door stands open.
const KeyDoorOpen = "service.blocked.door_open"

// WrongPINError: the PIN matched no technician; Left more wrong ones lock entry. It is
// ErrWrongPIN to errors.Is.
type WrongPINError struct{ Left int }

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("desk: wrong PIN, %d more before entry locks", e.Left)
}

func (e *WrongPINError) Is(target error) bool { return target == ErrWrongPIN }

// LockedError: too many wrong PINs; entry is refused for Wait.
type LockedError struct{ Wait time.Duration }

func (e *LockedError) Error() string { return "desk: maintenance entry locked for " + e.Wait.String() }
