package hallapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Paths of the kiosk's heartbeat and of the hall's notices.
const (
	PathHeartbeat = "/v1/heartbeat"
	PathNotices   = "/v1/notices"
)

// Kiosk states a heartbeat reports.
const (
	StateInService    = "in_service"
	StateOutOfService = "out_of_service" // Reason says why (the desk's reason key)
	StateMaintenance  = "maintenance"    // a technician has the kiosk
)

// Paper supply as a heartbeat reports it; the device model's full/low/out folded into what
// the duty leader acts on.
const (
	PaperOK      = "ok"
	PaperNearEnd = "near_end"
	PaperOut     = "out"
	PaperUnknown = "unknown"
)

// Heartbeat is what a kiosk says about itself every few seconds, whether or not it has
// transactions to send: the duty leader's board is built from the last one of each kiosk,
// and a kiosk whose heartbeats stop is shown offline. It carries no personal data.
type Heartbeat struct {
	KioskID   string         `json:"kiosk_id"`
	SentAt    time.Time      `json:"sent_at"` // the kiosk's clock
	State     string         `json:"state"`   // State...
	Reason    string         `json:"reason,omitempty"`
	Devices   []DeviceHealth `json:"devices"`
	Paper     string         `json:"paper"`      // Paper...
	PaperLeft int            `json:"paper_left"` // receipts the roll is estimated to give; -1: not known
	// Backlog is how many transactions wait for the hall, OldestSeconds the age of the
	// oldest of them (0 when none).
	Backlog       int       `json:"backlog"`
	OldestSeconds int64     `json:"oldest_seconds"`
	Version       string    `json:"version"`
	CertExpiry    time.Time `json:"cert_expiry,omitzero"` // the kiosk's TLS certificate; zero: none (plain loopback)
}

// DeviceHealth is one device in a heartbeat: its name ("idcard", "printer", "scanner",
// "cabinet"), its state in the device model (device.State) and the code of its last error.
type DeviceHealth struct {
	Name  string `json:"name"`
	State string `json:"state"`
	Error string `json:"error,omitempty"`
}

// HeartbeatAnswer is the hall's answer to a heartbeat: its clock, so that a kiosk learns of
// its drift on every beat.
type HeartbeatAnswer struct {
	Time time.Time `json:"time"`
}

// Notice is an announcement the duty leader wrote for the kiosks' idle screens: shown
// from Start until End, in the hall's language and, when written, English.
type Notice struct {
	ID      string    `json:"id"`
	Title   Text      `json:"title"`
	Text    Text      `json:"text"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Written time.Time `json:"written"`
}

// Current reports whether n is to be shown at now.
func (n Notice) Current(now time.Time) bool { return !now.Before(n.Start) && now.Before(n.End) }

// Notices answers GET /v1/notices: every notice not yet ended, by start. A kiosk keeps the
// list for when the hall cannot be reached and shows those current by its own clock.
type Notices struct {
	Notices []Notice `json:"notices"`
}

// SendHeartbeat posts hb.
func (c *Client) SendHeartbeat(ctx context.Context, hb Heartbeat) (HeartbeatAnswer, error) {
	var a HeartbeatAnswer
	body, err := json.Marshal(hb)
	if err != nil {
		return a, fmt.Errorf("hallapi: encode heartbeat: %w", err)
	}
	err = c.do(ctx, http.MethodPost, PathHeartbeat, body, &a)
	return a, err
}

// Notices fetches the announcements not yet ended for kioskID.
func (c *Client) Notices(ctx context.Context, kioskID string) ([]Notice, error) {
	var ns Notices
	err := c.do(ctx, http.MethodGet, PathNotices+"?"+url.Values{"kiosk": {kioskID}}.Encode(), nil, &ns)
	return ns.Notices, err
}
