package hall

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// Staff is what the kiosks' API needs of the hall's staff side (package hall/staffweb):
// it is told of each help request stored, and answers a kiosk asking whether its call was
// taken.
type Staff interface {
	// HelpCalled records a new help request (never a resend) received at receivedAt.
	HelpCalled(ctx context.Context, kioskID string, t txn.Txn, receivedAt time.Time) error
	// HelpState is the state of the kiosk's latest call; an error wrapping ErrNotFound
	// when it never called.
	HelpState(ctx context.Context, kioskID string) (hallapi.HelpState, error)
	// HasHelpCall reports whether the kiosk made the call whose help_request id is txnID.
	HasHelpCall(ctx context.Context, kioskID, txnID string) (bool, error)
	// HelpCancelled withdraws the kiosk's call txnID (a help_cancel stored now, received
	// at receivedAt): it leaves the seat's open list.
	HelpCancelled(ctx context.Context, kioskID, txnID string, receivedAt time.Time) error
}

// Queue numbers queue tickets. Take issues the next ticket of a business type with how
// many wait before it; Call marks the next waiting one called (Number "" when none waits).
type Queue interface {
	Take(ctx context.Context, business string, now time.Time) (hallapi.Ticket, error)
	Call(ctx context.Context, business string, now time.Time) (hallapi.Ticket, error)
}

type queueFunc func(ctx context.Context, business string, now time.Time) (hallapi.Ticket, error)

// memQueue is the in-memory queue as a Queue.
type memQueue struct{ q *queue }

func (m memQueue) Take(_ context.Context, business string, now time.Time) (hallapi.Ticket, error) {
	return m.q.take(business, now), nil
}

func (m memQueue) Call(_ context.Context, business string, now time.Time) (hallapi.Ticket, error) {
	return m.q.call(business, now), nil
}

// helpCalled tells the staff side of the help requests a batch stored for the first time.
// A staff store that cannot take one does not fail the batch (the transaction is
// committed, and the kiosk's tower light blinks anyway); the log says so.
func (s *Server) helpCalled(ctx context.Context, kiosk string, entries []Entry, outs []Outcome, now time.Time) {
	if s.o.Staff == nil {
		return
	}
	for i, out := range outs {
		if out.Duplicate || entries[i].Txn.Kind != txn.KindHelpRequest {
			continue
		}
		if err := s.o.Staff.HelpCalled(context.WithoutCancel(ctx), kiosk, entries[i].Txn, now); err != nil && s.o.Log != nil {
			s.o.Log.Error("help call not passed to the staff", "kiosk", kiosk, "txn", entries[i].Txn.ID, "err", err)
		}
	}
}

// helpCallsNamed looks up the calls the batch's help_cancels name, under the kiosk that sent
// them (nil when the batch has none or the hall no staff side); the batch's own
// help_requests count, for a call cancelled before it was ever delivered.
func (s *Server) helpCallsNamed(ctx context.Context, kiosk string, txns []txn.Txn) (map[string]bool, error) {
	if s.o.Staff == nil || !slices.ContainsFunc(txns, func(t txn.Txn) bool { return t.Kind == txn.KindHelpCancel }) {
		return nil, nil
	}
	calls := map[string]bool{}
	for _, t := range txns {
		switch t.Kind {
		case txn.KindHelpRequest:
			calls[t.ID] = true
		case txn.KindHelpCancel:
			var b hallapi.HelpCancelBody
			if !readBody(t.Body, &b) || b.Call == "" || calls[b.Call] {
				continue
			}
			made, err := s.o.Staff.HasHelpCall(ctx, kiosk, b.Call)
			if err != nil {
				return nil, err
			}
			calls[b.Call] = made
		}
	}
	return calls, nil
}

// helpCancelled tells the staff side of the help cancels a batch stored for the first time
// and approved. As for help requests, a staff store that cannot take one does not fail the
// batch; the log says so.
func (s *Server) helpCancelled(ctx context.Context, kiosk string, entries []Entry, outs []Outcome, now time.Time) {
	if s.o.Staff == nil {
		return
	}
	for i, out := range outs {
		t := entries[i].Txn
		if out.Duplicate || t.Kind != txn.KindHelpCancel || out.Result.State != txn.Approved {
			continue
		}
		var b hallapi.HelpCancelBody
		readBody(t.Body, &b)
		if err := s.o.Staff.HelpCancelled(context.WithoutCancel(ctx), kiosk, b.Call, now); err != nil && s.o.Log != nil {
			s.o.Log.Error("help cancel not passed to the staff", "kiosk", kiosk, "txn", t.ID, "err", err)
		}
	}
}

// helpState answers hallapi.PathHelp for the kiosk of the certificate.
func (s *Server) helpState(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.askingKiosk(w, r)
	if !ok {
		return
	}
	if s.o.Staff == nil {
		writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "this hall has no expert seat")
		return
	}
	h, err := s.o.Staff.HelpState(r.Context(), kiosk)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "no help call from this kiosk")
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not read the help call")
	default:
		writeJSON(w, http.StatusOK, h)
	}
}
