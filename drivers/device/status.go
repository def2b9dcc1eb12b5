package device

import (
	"fmt"
	"sync"
	"time"
)

// State is a device's availability.
type State string

const (
	Online    State = "online"
	Offline   State = "offline"    // present but not answering or not ready
	PowerOff  State = "power_off"  // known to be switched off
	NoDevice  State = "no_device"  // port missing: unplugged or not configured
	HWError   State = "hw_error"   // fault a technician must clear
	UserError State = "user_error" // fault anyone can clear: cover open, paper out
	Busy      State = "busy"
)

// Media is the state of the medium a device takes in (a card on the reader).
type Media string

const (
	MediaUnknown    Media = ""
	MediaPresent    Media = "present"
	MediaNotPresent Media = "not_present"
	MediaJammed     Media = "jammed"
)

// Paper is the state of one paper supply.
type Paper string

const (
	PaperUnknown Paper = ""
	PaperFull    Paper = "full"
	PaperLow     Paper = "low"
	PaperOut     Paper = "out"
	PaperJammed  Paper = "jammed"
)

// Error is the last error a device reported.
type Error struct {
	Code       string    `json:"code"`                  // the driver's sentinel, e.g. "paper_out"
	VendorCode string    `json:"vendor_code,omitempty"` // the device's own code, e.g. "SW3=80"
	Message    string    `json:"message"`               // for technicians and logs; never personal data
	Time       time.Time `json:"time"`
}

// Status is a snapshot of one device.
type Status struct {
	Device    string           `json:"device"` // "idcard", "printer", "scanner", ...
	State     State            `json:"state"`
	Media     Media            `json:"media,omitempty"`
	Paper     Paper            `json:"paper,omitempty"`
	CoverOpen bool             `json:"cover_open,omitempty"`
	LastError *Error           `json:"last_error,omitempty"`
	Model     string           `json:"model,omitempty"`
	Serial    string           `json:"serial,omitempty"`
	Firmware  string           `json:"firmware,omitempty"`
	Counters  map[string]int64 `json:"counters,omitempty"`
	Since     time.Time        `json:"since"` // when State last changed
}

func (s Status) String() string {
	out := fmt.Sprintf("%s: %s", s.Device, s.State)
	if s.Paper != PaperUnknown {
		out += " paper=" + string(s.Paper)
	}
	if s.CoverOpen {
		out += " cover=open"
	}
	if s.LastError != nil {
		out += " last_error=" + s.LastError.Code
	}
	return out
}

// Monitor holds a device's current Status and tells subscribers when it changes.
// Drivers embed one; the zero value is not usable, use NewMonitor.
type Monitor struct {
	mu   sync.Mutex
	st   Status
	now  func() time.Time
	subs map[chan Status]struct{}
}

// NewMonitor starts a monitor for the named device in state NoDevice. now may be nil.
func NewMonitor(name string, now func() time.Time) *Monitor {
	if now == nil {
		now = time.Now
	}
	return &Monitor{st: Status{Device: name, State: NoDevice, Since: now(), Counters: map[string]int64{}}, now: now, subs: map[chan Status]struct{}{}}
}

// Status returns a copy of the current status.
func (m *Monitor) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.copyLocked()
}

func (m *Monitor) copyLocked() Status {
	s := m.st
	s.Counters = make(map[string]int64, len(m.st.Counters))
	for k, v := range m.st.Counters {
		s.Counters[k] = v
	}
	if m.st.LastError != nil {
		e := *m.st.LastError
		s.LastError = &e
	}
	return s
}

// Update applies f to the status and notifies subscribers if anything a subscriber sees changed.
func (m *Monitor) Update(f func(*Status)) {
	m.mu.Lock()
	before := m.st
	f(&m.st)
	if m.st.State != before.State {
		m.st.Since = m.now()
	}
	changed := m.st.State != before.State || m.st.Media != before.Media || m.st.Paper != before.Paper ||
		m.st.CoverOpen != before.CoverOpen || m.st.LastError != before.LastError
	var snap Status
	if changed {
		snap = m.copyLocked()
	}
	subs := make([]chan Status, 0, len(m.subs))
	for c := range m.subs {
		subs = append(subs, c)
	}
	m.mu.Unlock()
	if !changed {
		return
	}
	for _, c := range subs {
		select { // a slow subscriber loses intermediate states, never blocks the driver
		case c <- snap:
		default:
			select {
			case <-c:
			default:
			}
			select {
			case c <- snap:
			default:
			}
		}
	}
}

// Fail records err as the last error and moves to state.
func (m *Monitor) Fail(state State, code, vendorCode string, err error) {
	m.Update(func(s *Status) {
		s.State = state
		s.LastError = &Error{Code: code, VendorCode: vendorCode, Message: err.Error(), Time: m.now()}
	})
}

// Count adds n to the named counter.
func (m *Monitor) Count(name string, n int64) {
	m.mu.Lock()
	m.st.Counters[name] += n
	m.mu.Unlock()
}

// Subscribe returns a channel that receives the latest Status after each change, and a
// function that ends the subscription.
func (m *Monitor) Subscribe() (<-chan Status, func()) {
	c := make(chan Status, 1)
	m.mu.Lock()
	m.subs[c] = struct{}{}
	m.mu.Unlock()
	return c, func() {
		m.mu.Lock()
		delete(m.subs, c)
		m.mu.Unlock()
	}
}
