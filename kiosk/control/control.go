package control

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/money"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/txn"
)

// Ops.
const (
	OpStatus  = "outbox.status"
	OpList    = "outbox.list"
	OpExport  = "outbox.export"
	OpSyncNow = "sync.now"
)

// Request is one call.
type Request struct {
	Op     string    `json:"op"`
	State  txn.State `json:"state,omitempty"`  // list, export: only records in this state; zero: all
	Limit  int       `json:"limit,omitempty"`  // list: at most this many; zero: 100. Export: no limit
	Reveal bool      `json:"reveal,omitempty"` // export only: personal data unmasked

	Device string `json:"device,omitempty"` // tech.selftest: a tech.Device constant
	Name   string `json:"name,omitempty"`   // tech.set_output: "tower_light" or an indicator
	On     bool   `json:"on,omitempty"`     // tech.set_output
	Key    string `json:"key,omitempty"`    // config.get, config.set
	Value  string `json:"value,omitempty"`  // config.set
	Print  bool   `json:"print,omitempty"`  // readiness: print the checklist too
	Dir    string `json:"dir,omitempty"`    // outbox.export_to: a directory on the kiosk
	File   string `json:"file,omitempty"`   // update.apply: a bundle on the kiosk
}

// Response is one answer. Error is set when the call failed; the other fields then are zero.
type Response struct {
	Error string `json:"error,omitempty"`
	// ErrorKey is the catalogue key of a refused setting ("maint.config.bad_value"), or "".
	ErrorKey string  `json:"error_key,omitempty"`
	Status   *Status `json:"status,omitempty"`
	Records  []Item  `json:"records,omitempty"`

	SelfTest    *tech.SelfTest    `json:"selftest,omitempty"`
	Pins        []tech.Pin        `json:"pins,omitempty"`
	Network     *tech.NetReport   `json:"network,omitempty"`
	Logs        []tech.LogLine    `json:"logs,omitempty"`
	Settings    []tech.Setting    `json:"settings,omitempty"`
	Changes     []tech.Change     `json:"changes,omitempty"`
	Consumables *tech.Consumables `json:"consumables,omitempty"`
	Readiness   []readiness.Item  `json:"readiness,omitempty"`
	PrintKey    string            `json:"print_key,omitempty"` // readiness --print: why it did not print
	Printed     bool              `json:"printed,omitempty"`
	Maintenance *bool             `json:"maintenance,omitempty"`
	Path        string            `json:"path,omitempty"`  // outbox.export_to: the file written
	Count       int               `json:"count,omitempty"` // outbox.export_to: records in it
	Firmware    *tech.Firmware    `json:"firmware,omitempty"`
	Applied     *FirmwareApplied  `json:"applied,omitempty"`
}

// Status is the outbox and sync loop at a glance.
type Status struct {
	KioskID      string            `json:"kiosk_id"`
	Source       string            `json:"source"` // "kiosk" (over the socket) or "file" (kiosk stopped)
	Counts       map[txn.State]int `json:"counts"`
	Total        int               `json:"total"`
	Pending      int               `json:"pending"`       // queued + sending
	OldestQueued jsontime.Duration `json:"oldest_queued"` // age of the oldest queued record
	LastError    string            `json:"last_error,omitempty"`
	LastSync     time.Time         `json:"last_sync,omitzero"`
	OutOfService string            `json:"out_of_service,omitempty"` // see outbox.Healthy
	Quarantined  int               `json:"quarantined,omitempty"`    // unreadable records set aside (outbox.StateQuarantined)
	Online       *bool             `json:"online,omitempty"`         // nil when no sync loop runs
	Failures     int               `json:"failures,omitempty"`       // consecutive failed attempts
	// Devices is every device in the common status model; only a running kiosk knows it.
	Devices []device.Status `json:"devices,omitempty"`
}

// Taxpayer is personal data as the control socket shows it: masked unless revealed.
type Taxpayer struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	CardType string `json:"card_type,omitempty"`
	Address  string `json:"address,omitempty"`
	Masked   bool   `json:"masked"`
}

// Item is one outbox record.
type Item struct {
	ID        string          `json:"id"`
	Seq       uint64          `json:"seq"`
	Kind      txn.Kind        `json:"kind"`
	State     txn.State       `json:"state"`
	CreatedAt time.Time       `json:"created_at"`
	Amount    money.Amount    `json:"amount"`
	Attempts  int             `json:"attempts,omitempty"`
	LastError string          `json:"last_error,omitempty"`
	AckedAt   time.Time       `json:"acked_at,omitzero"`
	Result    *txn.Result     `json:"result,omitempty"`
	Purged    bool            `json:"purged,omitempty"`
	Taxpayer  *Taxpayer       `json:"taxpayer,omitempty"` // nil: none, purged, or no key to open it
	Body      json.RawMessage `json:"body,omitempty"`     // service fields; never personal data
	// Quarantined says why an unreadable record was set aside (outbox.StateQuarantined).
	Quarantined string `json:"quarantined,omitempty"`
}

// Items turns records into what the socket shows, masking personal data unless reveal.
func Items(recs []outbox.Record, reveal bool) []Item {
	out := make([]Item, 0, len(recs))
	for _, r := range recs {
		it := Item{ID: r.Txn.ID, Seq: r.Txn.Seq, Kind: r.Txn.Kind, State: r.State, CreatedAt: r.Txn.CreatedAt,
			Amount: r.Amount, Attempts: r.Attempts, LastError: r.LastError, AckedAt: r.AckedAt,
			Purged: r.Purged, Body: r.Txn.Body, Quarantined: r.Quarantined}
		if r.Result.State != "" {
			res := r.Result
			it.Result = &res
		}
		if tp := r.Txn.Taxpayer; tp != nil {
			it.Taxpayer = &Taxpayer{Name: tp.Name, IDNumber: tp.IDNumber, CardType: tp.CardType, Address: tp.Address}
			if !reveal {
				it.Taxpayer = &Taxpayer{Name: mask.Name(tp.Name), IDNumber: mask.ID(tp.IDNumber),
					CardType: tp.CardType, Address: maskAddress(tp.Address), Masked: true}
			}
		}
		out = append(out, it)
	}
	return out
}

// maskAddress keeps the first three characters (usually the province) of an address.
func maskAddress(a string) string {
	r := []rune(strings.TrimSpace(a))
	if len(r) <= 3 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-3)
}

// Handler answers the ops. Kiosk is the implementation over an outbox and its sync loop.
type Handler interface {
	Status(ctx context.Context) (Status, error)
	Records(ctx context.Context, f outbox.Filter) ([]outbox.Record, error)
	SyncNow(ctx context.Context) error
}

// Syncer is the sync loop as the control socket uses it (*hallsync.Syncer).
type Syncer interface {
	Wake()
	Status() hallsync.SyncStatus
}

// Kiosk answers from an outbox and, when the kiosk runs, its sync loop.
type Kiosk struct {
	Outbox *outbox.Outbox
	Sync   Syncer // nil: no sync loop (kioskctl reading a stopped kiosk's file)
	// Devices reports the devices' status; nil when no kiosk runs.
	Devices func() []device.Status
	// Tech answers the technician's ops (self-tests, settings, logs, paper, maintenance);
	// nil when no kiosk runs, and those ops are refused with ErrNoTechnician.
	Tech Technician
	// Audit records an export for the hall, as the maintenance menu's exports are; nil when
	// no kiosk runs (kioskctl records a revealing export itself then).
	Audit func(ctx context.Context, action string, detail map[string]any)
	// Firmware installs bundles and reports updates (update.*); nil when no kiosk runs.
	Firmware Firmware
}

var _ Handler = Kiosk{}

// Status implements Handler.
func (k Kiosk) Status(context.Context) (Status, error) {
	st := k.Outbox.Stats()
	out := Status{KioskID: k.Outbox.KioskID(), Source: "file", Counts: st.Counts, Total: st.Total,
		Pending: st.Pending(), OldestQueued: jsontime.Duration(st.OldestQueued), LastError: st.LastError,
		LastSync: st.LastSync.UTC(), OutOfService: st.OutOfService, Quarantined: st.Quarantined}
	if k.Sync != nil {
		ss := k.Sync.Status()
		out.Source, out.Online, out.Failures = "kiosk", &ss.Online, ss.Failures
		if ss.LastError != "" {
			out.LastError = ss.LastError
		}
		if ss.LastSync.After(out.LastSync) {
			out.LastSync = ss.LastSync.UTC()
		}
	}
	if k.Devices != nil {
		out.Devices = k.Devices()
	}
	return out, nil
}

// Records implements Handler.
func (k Kiosk) Records(_ context.Context, f outbox.Filter) ([]outbox.Record, error) {
	return k.Outbox.List(f)
}

// SyncNow implements Handler.
func (k Kiosk) SyncNow(context.Context) error {
	if k.Sync == nil {
		return ErrNoSyncer
	}
	k.Sync.Wake()
	return nil
}

// Handle answers one request with h. Serve calls it for every connection; kioskctl calls it
// directly when no kiosk runs.
func Handle(ctx context.Context, h Handler, req Request) Response {
	if resp, ok := handleTech(ctx, h, req); ok {
		return resp
	}
	if resp, ok := handleFirmware(h, req); ok {
		return resp
	}
	fail := func(err error) Response { return Response{Error: err.Error()} }
	switch req.Op {
	case OpStatus:
		st, err := h.Status(ctx)
		if err != nil {
			return fail(err)
		}
		return Response{Status: &st}
	case OpList, OpExport:
		if req.Reveal && req.Op != OpExport {
			return fail(fmt.Errorf("%w: reveal is for export only", ErrBadRequest))
		}
		if req.Limit < 0 {
			return fail(fmt.Errorf("%w: negative limit", ErrBadRequest))
		}
		f := outbox.Filter{State: req.State, Limit: req.Limit}
		if req.Op == OpExport {
			f.Limit = 0
		} else if f.Limit == 0 {
			f.Limit = 100
		}
		recs, err := h.Records(ctx, f)
		if k, ok := h.(Kiosk); ok && req.Op == OpExport && k.Audit != nil {
			// Every export leaves the kiosk's hands, a revealing one with names and ID numbers.
			k.Audit(ctx, "export", map[string]any{"records": len(recs), "ok": err == nil, "revealed": req.Reveal, "via": Via})
		}
		if err != nil {
			return fail(err)
		}
		return Response{Records: Items(recs, req.Reveal)}
	case OpSyncNow:
		if err := h.SyncNow(ctx); err != nil {
			return fail(err)
		}
		return Response{}
	}
	return fail(fmt.Errorf("%w: unknown op %q", ErrBadRequest, req.Op))
}

// Export is the document an export writes.
type Export struct {
	KioskID    string    `json:"kiosk_id"`
	ExportedAt time.Time `json:"exported_at"`
	Revealed   bool      `json:"revealed"` // personal data unmasked
	Records    []Item    `json:"records"`
}

// WriteExport writes e as indented JSON to path with mode 0600, atomically (a temporary file
// beside it, fsync, rename), so an interrupted export never leaves half a file.
func WriteExport(path string, e Export) error {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("control: export: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("control: export: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("control: export: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("control: export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("control: export: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("control: export: %w", err)
	}
	return nil
}

// SocketName is the control socket's file name in the kiosk's data directory.
const SocketName = "control.sock"

// SocketPath is where a kiosk with data directory dataDir serves its control socket.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, SocketName) }
