package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"taxkiosk/kiosk/control"
)

func statusCommands() []command {
	return []command{
		{"status", "[--data DIR] [--json]", "the running kiosk: every device, the hall link and the outbox", kioskStatus},
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
	for _, d := range st.Devices {
		fmt.Fprintln(stdout, "  "+d.String())
	}
	return nil
}
