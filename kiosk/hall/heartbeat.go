package hall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"taxkiosk/kiosk/hallapi"
)

// FleetEvent is what changed on the duty leader's board: a kiosk's heartbeat stored (Beat)
// and the incidents it opened or ended, or silent incidents opened by Server.Sweep.
type FleetEvent struct {
	Beat      *Beat
	Incidents []Incident
}

// Bounds of a heartbeat's fields: a heartbeat is small, and what the board shows of it must
// fit a table cell.
const (
	maxBeatDevices = 16
	maxBeatText    = 128
)

// checkBeat refuses a heartbeat the board could not show truthfully.
func checkBeat(hb hallapi.Heartbeat) error {
	switch hb.State {
	case hallapi.StateInService, hallapi.StateOutOfService, hallapi.StateMaintenance:
	default:
		return fmt.Errorf("state %q is none of in_service, out_of_service, maintenance", hb.State)
	}
	switch hb.Paper {
	case hallapi.PaperOK, hallapi.PaperNearEnd, hallapi.PaperOut, hallapi.PaperUnknown:
	default:
		return fmt.Errorf("paper %q is none of ok, near_end, out, unknown", hb.Paper)
	}
	if len(hb.Devices) > maxBeatDevices {
		return fmt.Errorf("%d devices, at most %d", len(hb.Devices), maxBeatDevices)
	}
	if hb.Backlog < 0 || hb.OldestSeconds < 0 || hb.PaperLeft < -1 {
		return errors.New("negative backlog, age or paper")
	}
	texts := []string{hb.KioskID, hb.Reason, hb.Version}
	for _, d := range hb.Devices {
		texts = append(texts, d.Name, d.State, d.Error)
	}
	for _, s := range texts {
		if len(s) > maxBeatText || !utf8.ValidString(s) {
			return fmt.Errorf("a text field above %d bytes or not UTF-8", maxBeatText)
		}
	}
	return nil
}

// noFleet answers a request the store cannot serve: it keeps no duty side.
func (s *Server) noFleet(w http.ResponseWriter) bool {
	if s.fleet != nil {
		return false
	}
	writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "this hall keeps no heartbeats or notices")
	return true
}

// heartbeat stores a kiosk's heartbeat as its last and brings its incidents in line.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) {
	if s.noFleet(w) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQuery))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, hallapi.CodeTooLarge, "heartbeat too large")
		return
	}
	var hb hallapi.Heartbeat
	if err := json.Unmarshal(body, &hb); err != nil || hb.KioskID == "" {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "malformed heartbeat or no kiosk_id")
		return
	}
	if !s.authorize(w, r, hb.KioskID, body) {
		return
	}
	if err := checkBeat(hb); err != nil {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "heartbeat: "+err.Error())
		return
	}
	now := s.o.Now().UTC()
	b := Beat{Heartbeat: hb, ReceivedAt: now}
	changed, err := s.fleet.PutBeat(r.Context(), b, s.o.Fleet.Conditions(hb, now))
	if err != nil {
		if s.o.Log != nil {
			s.o.Log.Error("heartbeat not stored", "kiosk", hb.KioskID, "err", err)
		}
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not store heartbeat")
		return
	}
	if s.o.FleetChanged != nil {
		s.o.FleetChanged(FleetEvent{Beat: &b, Incidents: changed})
	}
	writeJSON(w, http.StatusOK, hallapi.HeartbeatAnswer{Time: now})
}

// Sweep opens a silent incident for each kiosk quiet for FleetRules.SilentAfter; the owner
// calls it every so often (RunSweeps). Two halls on one database may both sweep: the
// incident's name comes from the last heartbeat, so it is opened once.
func (s *Server) Sweep(ctx context.Context) ([]Incident, error) {
	if s.fleet == nil {
		return nil, nil
	}
	opened, err := s.fleet.Silence(ctx, s.o.Now().UTC(), s.o.Fleet.SilentAfter)
	if err == nil && len(opened) > 0 && s.o.FleetChanged != nil {
		s.o.FleetChanged(FleetEvent{Incidents: opened})
	}
	return opened, err
}

// RunSweeps calls Sweep every interval until ctx ends.
func (s *Server) RunSweeps(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Sweep(ctx); err != nil && s.o.Log != nil && ctx.Err() == nil {
				s.o.Log.Error("silent kiosks not swept", "err", err)
			}
		}
	}
}

// askingKiosk is the kiosk=ID a kiosk's question names, once its certificate is found to be
// that kiosk's; it answers the error itself otherwise.
func (s *Server) askingKiosk(w http.ResponseWriter, r *http.Request) (string, bool) {
	kiosk := r.URL.Query().Get("kiosk")
	if kiosk == "" {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "want kiosk=ID")
		return "", false
	}
	return kiosk, s.authorize(w, r, kiosk, nil)
}

// notices answers a kiosk with the announcements not yet ended.
func (s *Server) notices(w http.ResponseWriter, r *http.Request) {
	if s.noFleet(w) {
		return
	}
	if _, ok := s.askingKiosk(w, r); !ok {
		return
	}
	ns, err := s.fleet.Notices(r.Context(), s.o.Now().UTC())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not read notices")
		return
	}
	out := hallapi.Notices{Notices: make([]hallapi.Notice, 0, len(ns))}
	for _, n := range ns {
		out.Notices = append(out.Notices, n.Notice)
	}
	writeJSON(w, http.StatusOK, out)
}

// Fleet is the hall's store as the duty leader's pages read and write it; nil when the
// store keeps no duty side (both of the hall's stores do).
func (s *Server) Fleet() Fleet { return s.fleet }

// FleetRules are the rules the hall judges heartbeats by, defaults filled in.
func (s *Server) FleetRules() FleetRules { return s.o.Fleet }
