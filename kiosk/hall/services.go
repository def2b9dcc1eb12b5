package hall

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
)

// maxQuery bounds the body of a lookup, queue or verification request.
const maxQuery = 64 << 10

// authorizeKiosk lets in any kiosk of the hall's CA when RequireKiosk is set: the taxpayer
// services' queries name no kiosk.
func (s *Server) authorizeKiosk(w http.ResponseWriter, r *http.Request) bool {
	if !s.o.RequireKiosk {
		return true
	}
	if _, _, ok := certs.Peer(r.TLS); !ok {
		writeError(w, http.StatusUnauthorized, hallapi.CodeNoCert, "a kiosk certificate is required")
		return false
	}
	return true
}

// readQuery decodes a small JSON request body into v, answering 4xx itself when it cannot.
func (s *Server) readQuery(w http.ResponseWriter, r *http.Request, v any) bool {
	if !s.authorizeKiosk(w, r) {
		return false
	}
	return s.readBody(w, r, v)
}

// readBody decodes a small JSON request body into v, answering 4xx itself when it cannot.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQuery))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			writeError(w, http.StatusRequestEntityTooLarge, hallapi.CodeTooLarge, err.Error())
		} else {
			writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "reading request")
		}
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "malformed request")
		return false
	}
	return true
}

// paidView is the ledger for reading enterprises, or a 503 when the store cannot be read.
func (s *Server) paidView(w http.ResponseWriter, r *http.Request) (*pending, bool) {
	s.ledger.mu.Lock()
	defer s.ledger.mu.Unlock()
	if err := s.ledger.load(r.Context(), s.store); err != nil {
		if s.o.Log != nil {
			s.o.Log.Error("payments not read", "err", err)
		}
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not read payments; ask again later")
		return nil, false
	}
	// A copy: the ledger's map changes under its lock, and the answer is built without it.
	p := &pending{base: make(map[string]payer, len(s.ledger.paid)), owed: make(map[string][]hallapi.TaxItem, len(s.ledger.owed))}
	for k, v := range s.ledger.paid {
		p.base[k] = v
	}
	for k, v := range s.ledger.owed {
		p.owed[k] = slices.Clone(v)
	}
	return p, true
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	var q hallapi.LookupRequest
	if !s.readQuery(w, r, &q) {
		return
	}
	id := normalID(q.IDNumber)
	if id == "" {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "lookup without id_number")
		return
	}
	// A kiosk may ask only about the card it just read, and only so often.
	kiosk, now := askingKiosk(r), s.o.Now()
	if !sessionNamed(q.Session) {
		s.alarm(r.Context(), s.watch.refused(kiosk, "lookup without a card session", now)...)
		writeError(w, http.StatusBadRequest, hallapi.CodeNoSession, "lookup without the card session it belongs to")
		return
	}
	limited, alarms := s.watch.lookup(kiosk, id, *q.Session, now)
	s.alarm(r.Context(), alarms...)
	if limited == "session" {
		writeError(w, http.StatusBadRequest, hallapi.CodeNoSession, "the card session is another person's or older than the kiosk's latest")
		return
	}
	if limited != "" {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, hallapi.CodeRateLimited, "too many lookups from this "+limited+"; ask later")
		return
	}
	paid, ok := s.paidView(w, r)
	if !ok {
		return
	}
	es := s.o.Registry.Lookup(id)
	for i := range es {
		es[i] = paid.apply(es[i])
	}
	if s.o.Log != nil {
		s.o.Log.Info("lookup", "enterprises", len(es)) // the ID number is personal data: never logged
	}
	writeJSON(w, http.StatusOK, hallapi.LookupResponse{Enterprises: es})
}

func (s *Server) enterprise(w http.ResponseWriter, r *http.Request) {
	if !s.authorizeKiosk(w, r) {
		return
	}
	e, found := s.o.Registry.Enterprise(creditcode.Normalize(r.PathValue("code")))
	if !found {
		writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "no such enterprise")
		return
	}
	paid, ok := s.paidView(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, paid.apply(e))
}

func (s *Server) takeTicket(w http.ResponseWriter, r *http.Request) { s.queueOp(w, r, s.tickets.Take) }

// callTicket is a counter's operation: with RequireKiosk, no kiosk certificate may call a
// ticket (a kiosk takes tickets; the counters call them, through Counter).
func (s *Server) callTicket(w http.ResponseWriter, r *http.Request) {
	if s.o.RequireKiosk {
		if id, _, ok := certs.Peer(r.TLS); ok {
			s.alarm(r.Context(), Alarm{At: s.o.Now().UTC(), KioskID: id, Kind: AlarmCounterCall, Detail: "a kiosk certificate asked to call the next ticket"})
		}
		writeError(w, http.StatusForbidden, hallapi.CodeStaffOnly, "calling tickets is for the counters")
		return
	}
	s.queueOp(w, r, s.tickets.Call)
}

// Counter is the counters' face of the hall: calling the next ticket (hallapi.PathQueueCall)
// and nothing else. It asks for no kiosk certificate; serve it only where the counters are
// (`hall serve --counters` on a loopback or staff-network address), never to kiosks.
func (s *Server) Counter() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+hallapi.PathQueueCall, func(w http.ResponseWriter, r *http.Request) {
		var q hallapi.QueueRequest
		if !s.readBody(w, r, &q) {
			return
		}
		s.answerQueue(w, r, q, s.tickets.Call)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "no such endpoint")
	})
	return mux
}

// askingKiosk names who asks: the kiosk of the certificate, or the address without one
// (the loopback demo).
func askingKiosk(r *http.Request) string {
	if id, _, ok := certs.Peer(r.TLS); ok {
		return id
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// normalID is an ID number as the registry keys it.
func normalID(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func (s *Server) queueOp(w http.ResponseWriter, r *http.Request, op queueFunc) {
	var q hallapi.QueueRequest
	if !s.readQuery(w, r, &q) {
		return
	}
	s.answerQueue(w, r, q, op)
}

func (s *Server) answerQueue(w http.ResponseWriter, r *http.Request, q hallapi.QueueRequest, op queueFunc) {
	if !knownBusiness(q.Business) {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "unknown business type")
		return
	}
	t, err := op(r.Context(), q.Business, s.o.Now())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not number the ticket; ask again later")
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) verifyInvoice(w http.ResponseWriter, r *http.Request) {
	var q hallapi.InvoiceQuery
	if !s.readQuery(w, r, &q) {
		return
	}
	if strings.TrimSpace(q.InvoiceNumber) == "" {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "verification without invoice_number")
		return
	}
	writeJSON(w, http.StatusOK, s.o.Registry.VerifyInvoice(q))
}
