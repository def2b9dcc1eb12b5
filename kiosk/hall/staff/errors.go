package staff

import "errors"

var (
	// ErrNotFound: no such account, session, help call or ticket.
	ErrNotFound = errors.New("staff: not found")
	// ErrExists: an account of that name exists already.
	ErrExists = errors.New("staff: exists")
	// ErrInvalid: a name, role, counter number or password the hall refuses.
	ErrInvalid = errors.New("staff: invalid")
	// ErrBadPassword: the password does not match (the caller counts the failure).
	ErrBadPassword = errors.New("staff: wrong password")
	// ErrLocked: too many failures; the account is locked until LockedUntil.
	ErrLocked = errors.New("staff: account locked")
	// ErrState: the help call or ticket is not in a state that allows the step (a call
	// accepted by someone else, a resolve before an accept).
	ErrState = errors.New("staff: wrong state")
	// ErrStorage: the database could not read or commit.
	ErrStorage = errors.New("staff: storage failure")
	// ErrEmpty: no ticket is waiting.
	ErrEmpty = errors.New("staff: no ticket waiting")
)
