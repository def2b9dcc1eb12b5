package session

import (
	"sync"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/txn"
)

// EndReason says why a session ended.
type EndReason string

const (
	Finished   EndReason = "finished"    // the taxpayer tapped Finish
	Idle       EndReason = "idle"        // nobody touched the screen for the idle timeout
	CardLifted EndReason = "card_lifted" // the ID card left the reader
	// CardChanged: another person's card was placed while the first was lifted: a new
	// session begins for it, the old one's data forgotten.
	CardChanged EndReason = "card_changed"
	Shutdown    EndReason = "shutdown" // the kiosk is stopping
)

// Person is what screens may show of the taxpayer: masked, never the full name or number.
type Person struct {
	MaskedName string
	MaskedID   string
	CardType   string
	// Senior says the holder was SeniorAge or older on the day the card was read, by the
	// session's clock: the welcome screen offers them large text. The birth date it comes
	// from is neither kept here nor shown.
	Senior bool
}

// SeniorAge is the age from which the welcome screen offers large text.
const SeniorAge = 65

// Manager holds the current session, if any.
type Manager struct {
	mu      sync.Mutex
	now     func() time.Time
	timeout time.Duration

	card      *idcard.Card
	senior    bool // Person.Senior, from the card's birth date on the day it was read
	started   time.Time
	lastTouch time.Time
}

// New returns a manager whose sessions end after timeout without a touch. now may be nil.
func New(timeout time.Duration, now func() time.Time) *Manager {
	if now == nil {
		now = time.Now
	}
	return &Manager{timeout: timeout, now: now}
}

// Begin starts a session for the card's holder, ending any previous one.
func (m *Manager) Begin(card *idcard.Card) Person {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wipeLocked()
	m.card = card
	m.started = m.now()
	m.lastTouch = m.started
	age, ok := AgeOn(card.Birth, m.started)
	m.senior = ok && age >= SeniorAge
	return m.personLocked()
}

func (m *Manager) personLocked() Person {
	c := m.card
	return Person{MaskedName: mask.Name(c.Name), MaskedID: mask.ID(c.IDNumber), CardType: c.CardType, Senior: m.senior}
}

// AgeOn is the age in whole years, on day (in day's location), of someone born on birth,
// the card's "YYYYMMDD" (every card type the reader takes writes it so). A birthday comes
// on its own date: one born on 29 February turns a year older on 1 March in other years.
// ok is false when birth is no such date or lies after day.
func AgeOn(birth string, day time.Time) (age int, ok bool) {
	b, err := time.Parse("20060102", birth)
	if err != nil || len(birth) != 8 {
		return 0, false
	}
	y, m, d := day.Date()
	age = y - b.Year()
	if m < b.Month() || (m == b.Month() && d < b.Day()) {
		age--
	}
	if age < 0 {
		return 0, false
	}
	return age, true
}

// Active reports whether a session is in progress.
func (m *Manager) Active() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.card != nil
}

// Person is the masked view of the current taxpayer; ok is false with no session.
func (m *Manager) Person() (p Person, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.card == nil {
		return Person{}, false
	}
	return m.personLocked(), true
}

// Taxpayer is the personal data a transaction carries; ok is false with no session.
func (m *Manager) Taxpayer() (t *txn.Taxpayer, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.card == nil {
		return nil, false
	}
	return &txn.Taxpayer{Name: m.card.Name, IDNumber: m.card.IDNumber, CardType: m.card.CardType, Address: m.card.Address}, true
}

// SetTimeout changes the idle timeout, for the session in progress too.
func (m *Manager) SetTimeout(timeout time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.timeout = timeout
}

// Touch records activity: the idle timeout starts again.
func (m *Manager) Touch() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.card != nil {
		m.lastTouch = m.now()
	}
}

// Remaining is the time left before the session idles out; zero with no session.
func (m *Manager) Remaining() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.card == nil {
		return 0
	}
	left := m.timeout - m.now().Sub(m.lastTouch)
	if left < 0 {
		return 0
	}
	return left
}

// Expired reports whether a session is in progress and has idled out.
func (m *Manager) Expired() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.card != nil && m.now().Sub(m.lastTouch) >= m.timeout
}

// End ends the session and forgets the taxpayer. It reports whether one was in progress.
func (m *Manager) End() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	had := m.card != nil
	m.wipeLocked()
	return had
}

func (m *Manager) wipeLocked() {
	if m.card == nil {
		return
	}
	m.senior = false
	clear(m.card.Photo)
	clear(m.card.Fingerprint)
	*m.card = idcard.Card{}
	m.card = nil
}
