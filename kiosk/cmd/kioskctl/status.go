package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/readiness"
)

func statusCommands() []command {
	return []command{
		{"status", "[--data DIR] [--json]", "the running kiosk: every device, the hall link and the outbox", kioskStatus},
		{"readiness", "[--print] [--data DIR] [--json]", "the opening checklist (--print: on the kiosk's printer too); exit 3 when not ready", kioskReadiness},
	}
}

// kioskStatus is the technician's first look over SSH: the same board as the maintenance
// menu, from the running kiosk.
func kioskStatus(args []string, stdout io.Writer) error {
	var asJSON bool
	f, err := parseOutbox("status", args, func(fs *flag.FlagSet, _ *outboxFlags) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	c := &control.Client{Path: control.SocketPath(f.data)}
	st, err := c.Status(ctx)
	if errors.Is(err, control.ErrNoKiosk) {
		// A kiosk that refused to start says why on its screen only as 暂停服务; the reasons
		// a technician can act on are checked here again.
		if kerr := outbox.CheckKey(config.Config{DataDir: f.data}.OutboxPath(), f.key); kerr != nil {
			return notReady("no kiosk is running with data directory %s: OUT OF SERVICE: %v", f.data, kerr)
		}
		return notReady("no kiosk is running with data directory %s", f.data)
	}
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	online := "unknown"
	if st.Online != nil {
		online = map[bool]string{true: "online", false: "offline"}[*st.Online]
	}
	fmt.Fprintf(stdout, "kiosk %s  hall %s  waiting %d  oldest %s  last sync %s\n", st.KioskID, online, st.Pending, st.OldestQueued, orNone(st.LastSync.Format("2006-01-02 15:04:05")))
	if st.OutOfService != "" {
		fmt.Fprintf(stdout, "storage OUT OF SERVICE: %s\n", st.OutOfService)
	}
	if st.Quarantined > 0 {
		fmt.Fprintf(stdout, "outbox: %d unreadable records quarantined (kioskctl outbox list --state quarantined)\n", st.Quarantined)
	}
	for _, d := range st.Devices {
		fmt.Fprintln(stdout, "  "+d.String())
	}
	// The paper counter is one more cheap question; the network check is not (it may wait
	// seconds for the hall) and has its own command.
	if p, err := c.Consumables(ctx); err == nil {
		printPaper(stdout, p)
	}
	if b, err := c.FirmwareBoard(ctx); err == nil {
		printFirmware(stdout, b, false)
	}
	return nil
}

// kioskReadiness runs the opening checklist on the running kiosk's status; with --print the
// kiosk prints it as well, like the button on the maintenance menu.
func kioskReadiness(args []string, stdout io.Writer) error {
	f, _, err := parseTech("readiness", args, 0, func(fs *flag.FlagSet, f *techFlags) {
		fs.BoolVar(&f.print, "print", false, "print the checklist on the kiosk's printer too")
	})
	if err != nil {
		return err
	}
	var items []readiness.Item
	var printKey string
	if err := f.call(func(ctx context.Context, c *control.Client) error {
		if f.print {
			var err error
			items, printKey, err = c.Readiness(ctx, true)
			return err
		}
		// The same checklist the kiosk would make, from its status: this answers a kiosk that
		// serves the socket without the technician's side too.
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		items = readiness.Check(readiness.Input{Devices: st.Devices, Online: st.Online != nil && *st.Online,
			Pending: st.Pending, OldestQueued: time.Duration(st.OldestQueued), OutOfService: st.OutOfService})
		return nil
	}); err != nil {
		return err
	}
	if f.json {
		if err := json.NewEncoder(stdout).Encode(items); err != nil {
			return err
		}
	} else {
		for _, it := range items {
			fmt.Fprintf(stdout, "%-4s  %-28s %s\n", it.Level, strings.TrimPrefix(it.Key, "readiness."), it.Detail)
		}
		if f.print && printKey == "" {
			fmt.Fprintln(stdout, "printed on the kiosk")
		}
	}
	if f.print && printKey != "" {
		return fmt.Errorf("the checklist did not print: %s", printKey)
	}
	if !readiness.Ready(items) {
		return notReady("not ready to open: clear the fail items")
	}
	return nil
}
