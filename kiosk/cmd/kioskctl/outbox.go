package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

func outboxCommands() []command {
	return []command{
		{"outbox status", "[--data DIR] [--json]", "counts by state, oldest queued, last error and sync", outboxStatus},
		{"outbox list", "[--data DIR] [--state S] [--limit N] [--json]", "list transactions (personal data masked)", outboxList},
		{"outbox export", "--out PATH [--data DIR] [--state S] [--reveal]", "write transactions as JSON (mode 0600)", outboxExport},
		{"sync now", "[--data DIR]", "make the running kiosk send to the hall now", syncNow},
	}
}

// outboxFlags are the flags of the outbox commands: the running kiosk's, and the sealing
// key for reading the file when the kiosk is stopped.
type outboxFlags struct {
	kioskFlags
	key, state, out string
	limit           int
	reveal          bool
}

// parseOutbox reads an outbox command's line; extra adds the command's own flags.
func parseOutbox(name string, args []string, extra func(*flag.FlagSet, *outboxFlags)) (*outboxFlags, error) {
	f := &outboxFlags{}
	if _, err := parseArgs(name, args, 0, func(fs *flag.FlagSet) {
		f.define(fs, 30*time.Second)
		keyFlag(fs, &f.key)
		if extra != nil {
			extra(fs, f)
		}
	}); err != nil {
		return nil, err
	}
	if f.state != "" && !knownState(txn.State(f.state)) {
		return nil, usage("--state must be one of queued, sending, acknowledged, approved, rejected, counter_visit, quarantined")
	}
	if f.limit < 0 {
		return nil, usage("--limit must not be negative")
	}
	f.key = keyOr(f.key, f.data)
	return f, nil
}

// keyFlag is --key: the sealing key file, for reading the outbox while the kiosk is stopped.
func keyFlag(fs *flag.FlagSet, key *string) {
	fs.StringVar(key, "key", "", "the sealing key file when the kiosk is stopped; default DIR/seal.key")
}

// keyOr is the key file given, or the data directory's.
func keyOr(key, data string) string {
	if key == "" {
		return config.Config{DataDir: data}.KeyPath()
	}
	return key
}

func knownState(s txn.State) bool {
	switch s {
	case txn.Queued, txn.Sending, txn.Acknowledged, txn.Approved, txn.Rejected, txn.CounterVisit, outbox.StateQuarantined:
		return true
	}
	return false
}

// request puts the request to the running kiosk, or, when none runs, answers it from the
// outbox file opened read-only. needKey: the answer holds records, whose personal data needs
// the key (masked or not) when read from the file.
func request(f *outboxFlags, req control.Request, needKey bool) (resp control.Response, err error) {
	err = f.ask(func(ctx context.Context, c *control.Client) (err error) {
		resp, err = c.Call(ctx, req)
		if !errors.Is(err, control.ErrNoKiosk) {
			return err
		}
		if req.Op == control.OpSyncNow {
			return notReady("no kiosk is running (nothing answers on %s)", c.Path)
		}
		resp, err = fromFile(ctx, f, req, needKey)
		return err
	})
	return resp, err
}

// fromFile answers req from the stopped kiosk's outbox file.
func fromFile(ctx context.Context, f *outboxFlags, req control.Request, needKey bool) (control.Response, error) {
	path := config.Config{DataDir: f.data}.OutboxPath()
	opts := &outbox.Opts{ReadOnly: true}
	if key, kerr := seal.LoadKey(f.key); kerr == nil {
		opts.Key = key
	} else if needKey {
		return control.Response{}, fmt.Errorf("kiosk stopped, reading %s needs its key: %w", path, kerr)
	}
	ob, err := outbox.Open(path, opts)
	switch {
	case errors.Is(err, outbox.ErrLocked):
		return control.Response{}, fmt.Errorf("the kiosk holds %s but does not answer on %s: %w", path, control.SocketPath(f.data), err)
	case errors.Is(err, outbox.ErrStorage) && errors.Is(err, os.ErrNotExist):
		return control.Response{}, notReady("no kiosk is running and there is no outbox at %s", path)
	case err != nil:
		return control.Response{}, err
	}
	defer ob.Close()
	resp := control.Handle(ctx, control.Kiosk{Outbox: ob}, req)
	if resp.Error != "" {
		return resp, fmt.Errorf("%w: %s", control.ErrRefused, resp.Error)
	}
	return resp, nil
}

func outboxStatus(args []string, stdout io.Writer) error {
	f, err := parseOutbox("outbox status", args, nil)
	if err != nil {
		return err
	}
	resp, err := request(f, control.Request{Op: control.OpStatus}, false)
	if err != nil {
		return err
	}
	if resp.Status == nil {
		return fmt.Errorf("%w: answer without status", control.ErrBadRequest)
	}
	st := *resp.Status
	if f.json {
		return printJSON(stdout, st)
	}
	if st.Source == "kiosk" {
		fmt.Fprintf(stdout, "kiosk %s: running\n", st.KioskID)
	} else {
		fmt.Fprintf(stdout, "kiosk %s: stopped (read from the outbox file)\n", st.KioskID)
	}
	if st.Online != nil {
		if *st.Online {
			fmt.Fprintln(stdout, "hall: online")
		} else {
			fmt.Fprintf(stdout, "hall: offline (%d failed attempts)\n", st.Failures)
		}
	}
	states := make([]string, 0, len(st.Counts))
	for s := range st.Counts {
		states = append(states, string(s))
	}
	sort.Strings(states)
	var parts []string
	for _, s := range states {
		parts = append(parts, fmt.Sprintf("%s %d", s, st.Counts[txn.State(s)]))
	}
	fmt.Fprintf(stdout, "transactions: %d (%s)\n", st.Total, strings.Join(parts, ", "))
	fmt.Fprintf(stdout, "waiting for the hall: %d, oldest queued %s\n", st.Pending, st.OldestQueued)
	if st.LastSync.IsZero() {
		fmt.Fprintln(stdout, "last sync: never")
	} else {
		fmt.Fprintf(stdout, "last sync: %s\n", st.LastSync.Format(time.RFC3339))
	}
	if st.LastError != "" {
		fmt.Fprintf(stdout, "last error: %s\n", st.LastError)
	}
	if st.Quarantined > 0 {
		fmt.Fprintf(stdout, "quarantined: %d unreadable records set aside (kioskctl outbox list --state quarantined)\n", st.Quarantined)
	}
	if st.OutOfService != "" {
		fmt.Fprintf(stdout, "OUT OF SERVICE for new transactions: %s\n", st.OutOfService)
	}
	if st.Source != "kiosk" {
		if err := outbox.CheckKey(config.Config{DataDir: f.data}.OutboxPath(), f.key); err != nil {
			fmt.Fprintf(stdout, "OUT OF SERVICE: %v\n", err)
		}
	}
	return nil
}

func outboxList(args []string, stdout io.Writer) error {
	f, err := parseOutbox("outbox list", args, func(fs *flag.FlagSet, f *outboxFlags) {
		fs.StringVar(&f.state, "state", "", "only transactions in this state")
		fs.IntVar(&f.limit, "limit", 100, "at most this many")
	})
	if err != nil {
		return err
	}
	resp, err := request(f, control.Request{Op: control.OpList, State: txn.State(f.state), Limit: f.limit}, true)
	if err != nil {
		return err
	}
	if f.json {
		if resp.Records == nil {
			resp.Records = []control.Item{}
		}
		return printJSON(stdout, resp.Records)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SEQ\tID\tKIND\tSTATE\tCREATED\tAMOUNT\tTRIES\tTAXPAYER\tLAST ERROR")
	for _, it := range resp.Records {
		who := "-"
		switch {
		case it.Taxpayer != nil:
			who = it.Taxpayer.Name + " " + it.Taxpayer.IDNumber
		case it.Purged:
			who = "(purged)"
		}
		why := it.LastError
		if it.Quarantined != "" {
			why = "unreadable: " + it.Quarantined
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", it.Seq, it.ID, it.Kind, it.State,
			it.CreatedAt.Format(time.RFC3339), it.Amount, it.Attempts, who, why)
	}
	return w.Flush()
}

func outboxExport(args []string, stdout io.Writer) error {
	f, err := parseOutbox("outbox export", args, func(fs *flag.FlagSet, f *outboxFlags) {
		fs.StringVar(&f.out, "out", "", "file to write")
		fs.StringVar(&f.state, "state", "", "only transactions in this state")
		fs.BoolVar(&f.reveal, "reveal", false, "write personal data unmasked")
	})
	if err != nil {
		return err
	}
	if f.out == "" {
		return usage("--out PATH is required")
	}
	st, err := request(f, control.Request{Op: control.OpStatus}, false)
	if err != nil {
		return err
	}
	resp, err := request(f, control.Request{Op: control.OpExport, State: txn.State(f.state), Reveal: f.reveal}, true)
	if err != nil {
		return err
	}
	e := control.Export{KioskID: st.Status.KioskID, ExportedAt: time.Now().UTC(), Revealed: f.reveal, Records: resp.Records}
	if e.Records == nil {
		e.Records = []control.Item{}
	}
	// A running kiosk recorded the export for the hall as it answered; a stopped one cannot,
	// so a revealing export records itself in the outbox, and is refused if it cannot be.
	if f.reveal && st.Status.Source != "kiosk" {
		if err := auditStopped(f, len(e.Records)); err != nil {
			return fmt.Errorf("a revealing export must be recorded for the hall, and the outbox cannot record it: %w", err)
		}
	}
	if err := control.WriteExport(f.out, e); err != nil {
		return err
	}
	how := "personal data masked"
	if f.reveal {
		how = "personal data REVEALED: keep the file safe and delete it when done"
	}
	fmt.Fprintf(stdout, "exported %d transactions to %s (%s)\n", len(e.Records), f.out, how)
	return nil
}

// auditStopped queues the audit transaction of a revealing export in a stopped kiosk's
// outbox, the same record the kiosk makes for its own exports; the kiosk delivers it when it
// runs again.
func auditStopped(f *outboxFlags, n int) error {
	key, err := seal.LoadKey(f.key)
	if err != nil {
		return err
	}
	ob, err := outbox.Open(config.Config{DataDir: f.data}.OutboxPath(), &outbox.Opts{Key: key})
	if err != nil {
		return err
	}
	defer ob.Close()
	body, err := json.Marshal(map[string]any{"action": "export", "detail": map[string]any{
		"records": n, "ok": true, "revealed": true, "via": control.Via, "kiosk_stopped": true}})
	if err != nil {
		return err
	}
	_, err = ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindAudit, Body: body})
	return err
}

func syncNow(args []string, stdout io.Writer) error {
	f, err := parseOutbox("sync now", args, nil)
	if err != nil {
		return err
	}
	if _, err := request(f, control.Request{Op: control.OpSyncNow}, false); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "sync loop woken")
	return nil
}
