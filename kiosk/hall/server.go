package hall

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/services/vatreturn"
	"taxkiosk/kiosk/txn"
)

// Opts configures a Server. A nil *Opts means all defaults.
type Opts struct {
	Now      func() time.Time // zero: time.Now
	MaxBatch int              // transactions per batch; zero: 1000
	MaxBody  int64            // request body bytes; zero: 4 MiB
	// MaxConcurrent is how many batch requests are read and decided at once, and MaxInFlight
	// how many body bytes they may hold together (by their announced length; MaxBody when
	// none is announced). A request above either is answered 429 at once. Zero: 1024
	// requests and 64 MiB.
	MaxConcurrent int
	MaxInFlight   int64
	// Decide returns the result for a transaction, or ok false when the hall has no service
	// for its kind; it replaces the hall's whole policy, which then no longer checks payments
	// against its ledger. Zero: the rules of Decide over Registry, with the ledger of the
	// payments made at this hall and its queue.
	Decide func(t txn.Txn, now time.Time) (r txn.Result, ok bool)
	// Registry is the taxpayer data the services read. Zero: registry.Demo().
	Registry *registry.Registry
	// VATRules is the table a VAT return's tax is checked against; it must be the kiosks'
	// table (config's vat_rules). Zero: vatreturn.DefaultRules().
	VATRules []vatreturn.Rules
	// Log receives one line per batch (counts and kiosk id, never personal data).
	// Zero: no logging.
	Log *slog.Logger
	// Limits bounds the lookups a kiosk may make and when they raise alarms; zero fields
	// take the defaults documented on Limits.
	Limits Limits
	// Staff is the hall's staff side: told of every new help request, and asked by a kiosk
	// whether its call was taken (hallapi.PathHelp). Zero: no staff pages; /v1/help
	// answers 404 and help requests are only stored.
	Staff Staff
	// Queue numbers the tickets kiosks take and the counters call, shared by every hall
	// process on one database. Zero: an in-memory queue (a restart numbers from 1 again).
	Queue Queue
	// RequireKiosk makes the hall trust only kiosks it can name: every request must come
	// over mutual TLS with a kiosk certificate (package certs), may only post or query for
	// that certificate's kiosk id, and a batch must carry a valid Ed25519 signature
	// (hallapi.HeaderSignature) by the certificate's key. Zero: no checks (loopback demo).
	RequireKiosk bool
	// Firmware is the shelf of bundles served at hallapi.PathFirmware. Zero: none served.
	Firmware Firmware
	// Fleet says when a kiosk's heartbeat is an alarm; zero fields take FleetRules' defaults.
	Fleet FleetRules
	// FleetChanged is told of every heartbeat stored and every incident opened or ended
	// (the staff pages' live updates); nil: nobody is told.
	FleetChanged func(FleetEvent)
}

// Server is the hall's HTTP face. It starts no goroutines, so it needs no Close; the owner
// closes the Store. Besides the Store it holds the ledger of payments made at the hall
// (rebuilt from the Store's approved tax payments on first use) and the day's queue (in
// memory only: a restarted hall numbers the day's tickets from 1 again).
type Server struct {
	store    Store
	o        Opts
	mux      *http.ServeMux
	ledger   ledger
	queue    queue
	tickets  Queue    // o.Queue, or the in-memory queue
	inFlight inFlight // the batch requests being served and their body bytes
	watch    *watch   // who asked about whom: rate limits and alarms
	fleet    Fleet    // the store's duty side, when it has one (fleet.go)
}

// New makes a Server over store.
func New(store Store, opts *Opts) *Server {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = 1000
	}
	if o.MaxBody == 0 {
		o.MaxBody = 4 << 20
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = 1024
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = 64 << 20
	}
	o.MaxInFlight = max(o.MaxInFlight, o.MaxBody) // one body of the largest size always fits
	o.Limits = o.Limits.withDefaults()
	o.Fleet = o.Fleet.withDefaults()
	if o.VATRules == nil {
		o.VATRules = vatreturn.DefaultRules()
	}
	if o.Registry == nil {
		o.Registry = registry.Demo()
	}
	s := &Server{store: store, o: o, mux: http.NewServeMux(), watch: newWatch(o.Limits)}
	s.fleet, _ = store.(Fleet)
	s.tickets = o.Queue
	if s.tickets == nil {
		s.tickets = memQueue{&s.queue}
	}
	s.mux.HandleFunc("POST "+hallapi.PathBatches, s.batches)
	s.mux.HandleFunc("GET "+hallapi.PathHealth, s.health)
	s.mux.HandleFunc("GET "+hallapi.PathResults, s.results)
	s.mux.HandleFunc("POST "+hallapi.PathLookup, s.lookup)
	s.mux.HandleFunc("GET "+hallapi.PathEnterprises+"/{code}", s.enterprise)
	s.mux.HandleFunc("POST "+hallapi.PathQueue, s.takeTicket)
	s.mux.HandleFunc("POST "+hallapi.PathQueueCall, s.callTicket)
	s.mux.HandleFunc("POST "+hallapi.PathVerifyInvoice, s.verifyInvoice)
	s.mux.HandleFunc("GET "+hallapi.PathFirmware+"/{device}", s.firmware)
	s.mux.HandleFunc("GET "+hallapi.PathHelp, s.helpState)
	s.mux.HandleFunc("POST "+hallapi.PathHeartbeat, s.heartbeat)
	s.mux.HandleFunc("GET "+hallapi.PathNotices, s.notices)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, hallapi.CodeNotFound, "no such endpoint")
	})
	return s
}

// inFlight counts the batch requests being served and the body bytes they announced.
type inFlight struct {
	mu    sync.Mutex
	n     int
	bytes int64
}

// admit takes a place for a request of size bytes, unless that would pass either limit.
func (f *inFlight) admit(size int64, maxN int, maxBytes int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n >= maxN || f.bytes+size > maxBytes {
		return false
	}
	f.n, f.bytes = f.n+1, f.bytes+size
	return true
}

func (f *inFlight) release(size int64) {
	f.mu.Lock()
	f.n, f.bytes = f.n-1, f.bytes-size
	f.mu.Unlock()
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// String is safe for logs.
func (s *Server) String() string { return fmt.Sprintf("hall.Server(%v)", s.store) }

// Count is the number of stored transactions.
func (s *Server) Count(ctx context.Context) (int, error) { return s.store.Count(ctx) }

// List returns every stored transaction.
func (s *Server) List(ctx context.Context) ([]Entry, error) { return s.store.List(ctx) }

// authorize checks the caller may act for kioskID; body, when not nil, must be signed.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, kioskID string, body []byte) bool {
	if !s.o.RequireKiosk {
		return true
	}
	id, pub, ok := certs.Peer(r.TLS)
	switch {
	case !ok:
		writeError(w, http.StatusUnauthorized, hallapi.CodeNoCert, "a kiosk certificate is required")
	case id != kioskID:
		writeError(w, http.StatusForbidden, hallapi.CodeWrongKiosk, "certificate is for kiosk "+strconv.Quote(id))
	case body != nil && !hallapi.VerifyBody(pub, body, r.Header.Get(hallapi.HeaderSignature)):
		writeError(w, http.StatusUnauthorized, hallapi.CodeBadSig, "batch signature missing or invalid")
	default:
		return true
	}
	return false
}

func (s *Server) batches(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > s.o.MaxBody {
		writeError(w, http.StatusRequestEntityTooLarge, hallapi.CodeTooLarge,
			fmt.Sprintf("body of %d bytes, at most %d", r.ContentLength, s.o.MaxBody))
		return
	}
	// The batches being read and decided hold at most MaxInFlight body bytes (a body of
	// unannounced length counts as MaxBody) and number at most MaxConcurrent: this bounds
	// the memory any number of clients can make the hall spend on bodies, while a thousand
	// kiosks' small batches still share one commit.
	size := r.ContentLength
	if size < 0 {
		size = s.o.MaxBody
	}
	if !s.inFlight.admit(size, s.o.MaxConcurrent, s.o.MaxInFlight) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, hallapi.CodeBusy, "too many batches at once; resend later")
		return
	}
	defer s.inFlight.release(size)
	// Who sent it is settled before the body is read: a caller without a kiosk certificate
	// or without a signature costs the hall no more than its headers.
	var certID, sig string
	var pub ed25519.PublicKey
	if s.o.RequireKiosk {
		var ok bool
		if certID, pub, ok = certs.Peer(r.TLS); !ok {
			writeError(w, http.StatusUnauthorized, hallapi.CodeNoCert, "a kiosk certificate is required")
			return
		}
		if sig = r.Header.Get(hallapi.HeaderSignature); sig == "" {
			writeError(w, http.StatusUnauthorized, hallapi.CodeBadSig, "batch signature missing")
			return
		}
	}
	body, err := readLimited(r.Body, r.ContentLength, s.o.MaxBody)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, hallapi.CodeTooLarge, fmt.Sprintf("body above %d bytes", s.o.MaxBody))
			return
		}
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "reading batch")
		return
	}
	// The signature covers the raw bytes; they are checked before anything is parsed.
	if s.o.RequireKiosk && !hallapi.VerifyBody(pub, body, sig) {
		writeError(w, http.StatusUnauthorized, hallapi.CodeBadSig, "batch signature invalid")
		return
	}
	b, raws, err := decodeBatch(body, s.o.MaxBatch)
	switch {
	case errors.Is(err, errTooMany):
		writeError(w, http.StatusRequestEntityTooLarge, hallapi.CodeTooLarge,
			fmt.Sprintf("more than %d transactions per batch", s.o.MaxBatch))
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "malformed batch")
		return
	case b.KioskID == "":
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "batch without kiosk_id")
		return
	case s.o.RequireKiosk && certID != b.KioskID:
		writeError(w, http.StatusForbidden, hallapi.CodeWrongKiosk, "certificate is for kiosk "+strconv.Quote(certID))
		return
	}
	now := s.o.Now().UTC()
	ev := &Evidence{Body: body, Signature: sig} // kept with every transaction stored from it
	resp := hallapi.BatchResponse{Accepted: []string{}, Duplicates: []string{}, Rejected: []hallapi.Rejection{}, Results: []hallapi.ResultFor{}}
	txns := make([]txn.Txn, 0, len(raws))
	at := make([]int, 0, len(raws)) // each txns' index in the batch
	for i, raw := range raws {
		t, bad := readTxn(raw, b.KioskID)
		if bad != nil {
			bad.Index = i
			resp.Rejected = append(resp.Rejected, *bad)
			continue
		}
		txns, at = append(txns, t), append(at, i)
	}
	// A batch with a payment is decided and stored under the ledger's lock, so that two
	// kiosks paying the same item at once cannot both be approved. Certificates read it too:
	// a payment made here is printable.
	st := &state{queue: s.tickets, ctx: r.Context(), watch: s.watch}
	// A return is stored under it too: the taxes it owes join the ledger in the same step.
	if slices.ContainsFunc(txns, func(t txn.Txn) bool {
		return t.Kind == txn.KindTaxPayment || t.Kind == txn.KindCertificate || t.Kind == txn.KindVATReturn
	}) {
		s.ledger.mu.Lock()
		defer s.ledger.mu.Unlock()
		if shared, ok := s.store.(SharedStore); ok { // other halls decide payments too
			unlock, err := shared.LockLedger(r.Context())
			if err != nil {
				s.storageError(w, b.KioskID, len(txns), fmt.Errorf("%w: ledger lock: %w", ErrStorage, err))
				return
			}
			defer unlock()
		}
		if err := s.ledger.load(r.Context(), s.store); err != nil {
			s.storageError(w, b.KioskID, len(txns), err)
			return
		}
		st.paid = s.ledger.view()
	}
	if st.calls, err = s.helpCallsNamed(r.Context(), b.KioskID, txns); err != nil {
		s.storageError(w, b.KioskID, len(txns), err)
		return
	}
	entries := make([]Entry, 0, len(txns))
	for j, t := range txns {
		res, ok := s.decide(t, now, st)
		if !ok {
			resp.Rejected = append(resp.Rejected, hallapi.Rejection{ID: t.ID, Index: at[j], Code: hallapi.CodeUnknownKind, Message: "no service for kind " + strconv.Quote(string(t.Kind))})
			continue
		}
		entries = append(entries, Entry{Txn: t, Result: res, ReceivedAt: now, Evidence: ev})
	}
	slices.SortStableFunc(resp.Rejected, func(a, b hallapi.Rejection) int { return a.Index - b.Index }) // in batch order
	if len(entries) > 0 {
		outs, err := s.store.PutBatch(r.Context(), b.KioskID, entries)
		if err != nil {
			s.storageError(w, b.KioskID, len(entries), err)
			return
		}
		s.seqAlarms(r.Context(), b.KioskID, entries, outs)
		s.helpCalled(r.Context(), b.KioskID, entries, outs, now)
		s.helpCancelled(r.Context(), b.KioskID, entries, outs, now)
		for _, e := range entries {
			if tp := e.Txn.Taxpayer; tp != nil {
				s.watch.transaction(b.KioskID, normalID(tp.IDNumber), now)
			}
		}
		for i, out := range outs {
			id := entries[i].Txn.ID
			if st.paid != nil && !out.Duplicate {
				s.ledger.record(entries[i].Txn, out.Result)
			}
			if out.Duplicate {
				resp.Duplicates = append(resp.Duplicates, id)
			} else {
				resp.Accepted = append(resp.Accepted, id)
			}
			if out.Result.State.Done() {
				resp.Results = append(resp.Results, hallapi.ResultFor{ID: id, Result: out.Result, Cursor: out.Cursor})
			}
		}
	}
	if s.o.Log != nil {
		s.o.Log.Info("batch", "kiosk", b.KioskID, "accepted", len(resp.Accepted),
			"duplicates", len(resp.Duplicates), "rejected", len(resp.Rejected))
	}
	writeJSON(w, http.StatusOK, resp)
}

// seqAlarms records the gaps and repeats in a kiosk's sequence numbers that a batch showed.
// A resend of a stored transaction is a duplicate, not a repeat: only transactions stored
// now are looked at. A transaction filling an earlier gap late (the kiosk requeued it) is
// no alarm of its own; the gap was recorded when it opened.
func (s *Server) seqAlarms(ctx context.Context, kiosk string, entries []Entry, outs []Outcome) {
	var alarms []Alarm
	now := s.o.Now().UTC()
	for i, out := range outs {
		if out.Duplicate {
			continue
		}
		t := entries[i].Txn
		switch {
		case t.Seq == 0:
			alarms = append(alarms, Alarm{At: now, KioskID: kiosk, Kind: AlarmSeqMissing, Detail: "transaction " + t.ID + " has no seq"})
		case out.SeqHeldBy != "":
			alarms = append(alarms, Alarm{At: now, KioskID: kiosk, Kind: AlarmSeqRepeat,
				Detail: fmt.Sprintf("seq %d of transaction %s is held by transaction %s", t.Seq, t.ID, out.SeqHeldBy)})
		case t.Seq > out.SeqBefore+1:
			alarms = append(alarms, Alarm{At: now, KioskID: kiosk, Kind: AlarmSeqGap,
				Detail: fmt.Sprintf("seq %d to %d missing before transaction %s", out.SeqBefore+1, t.Seq-1, t.ID)})
		}
	}
	s.alarm(ctx, alarms...)
}

// alarm stores alarms for the hall's staff. A store that cannot take them does not fail the
// request that raised them (its transactions are committed); the log says so.
func (s *Server) alarm(ctx context.Context, alarms ...Alarm) {
	if len(alarms) == 0 {
		return
	}
	if err := s.store.PutAlarms(context.WithoutCancel(ctx), alarms); err != nil && s.o.Log != nil {
		s.o.Log.Error("alarms not stored", "alarms", len(alarms), "err", err)
	}
	if s.o.Log != nil {
		for _, a := range alarms {
			s.o.Log.Warn("alarm", "kiosk", a.KioskID, "kind", a.Kind, "detail", a.Detail)
		}
	}
}

// Alarms returns the stored alarms, oldest first.
func (s *Server) Alarms(ctx context.Context) ([]Alarm, error) { return s.store.Alarms(ctx) }

func (s *Server) decide(t txn.Txn, now time.Time, st *state) (txn.Result, bool) {
	if s.o.Decide != nil {
		return s.o.Decide(t, now)
	}
	return decide(rulebook{reg: s.o.Registry, vat: s.o.VATRules, sessionAge: s.o.Limits.SessionAge}, t, now, st)
}

func (s *Server) storageError(w http.ResponseWriter, kiosk string, n int, err error) {
	if s.o.Log != nil {
		s.o.Log.Error("batch not stored", "kiosk", kiosk, "txns", n, "err", err)
	}
	writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not store batch; resend later")
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, hallapi.Health{Status: "ok", Time: s.o.Now().UTC()})
}

// resultsPage bounds one /v1/results answer.
const resultsPage = 1000

func (s *Server) results(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kiosk := q.Get("kiosk")
	since, err := strconv.ParseUint(q.Get("since"), 10, 64)
	if q.Get("since") == "" {
		since, err = 0, nil
	}
	if kiosk == "" || err != nil {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "want kiosk=ID&since=CURSOR")
		return
	}
	if !s.authorize(w, r, kiosk, nil) {
		return
	}
	rs, err := s.store.Results(r.Context(), kiosk, since, resultsPage)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, hallapi.CodeStorage, "could not read results")
		return
	}
	page := hallapi.ResultsPage{Results: rs, Next: since, More: len(rs) == resultsPage}
	if page.Results == nil {
		page.Results = []hallapi.ResultFor{}
	}
	if n := len(rs); n > 0 {
		page.Next = rs[n-1].Cursor
	}
	writeJSON(w, http.StatusOK, page)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "encoding answer")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	data, _ := json.Marshal(hallapi.ErrorBody{Code: code, Message: msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}
