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
	"taxkiosk/kiosk/tech"
)

func statusCommands() []command {
	var print bool // readiness --print
	return []command{
		{"status", "[--data DIR] [--json]", "the running kiosk: every device, the hall link and the outbox", kioskStatus},
		{"readiness", "[--print] [--data DIR] [--json]", "the opening checklist (--print: on the kiosk's printer too); exit 3 when not ready", kioskCmd[checklist]{
			name: "readiness", flag: func(fs *flag.FlagSet) {
				fs.BoolVar(&print, "print", false, "print the checklist on the kiosk's printer too")
			},
			call: func(ctx context.Context, c *control.Client, _ []string) (checklist, error) {
				return kioskReadiness(ctx, c, print)
			},
			show: showChecklist, check: checkChecklist}.run},
	}
}

// kioskStatus is the technician's first look over SSH: the same board as the maintenance
// menu, from the running kiosk.
func kioskStatus(args []string, stdout io.Writer) error {
	var f kioskFlags
	var key string
	if _, err := parseArgs("status", args, 0, func(fs *flag.FlagSet) {
		f.define(fs, 30*time.Second)
		keyFlag(fs, &key)
	}); err != nil {
		return err
	}
	var st control.Status
	var paper *tech.Consumables
	var firmware *tech.Firmware
	err := f.ask(func(ctx context.Context, c *control.Client) (err error) {
		if st, err = c.Status(ctx); err != nil {
			return err
		}
		// The paper counter is one more cheap question; the network check is not (it may
		// wait seconds for the hall) and has its own command.
		if p, err := c.Consumables(ctx); err == nil {
			paper = &p
		}
		if b, err := c.FirmwareBoard(ctx); err == nil {
			firmware = &b
		}
		return nil
	})
	if errors.Is(err, control.ErrNoKiosk) {
		// A kiosk that refused to start says why on its screen only as 暂停服务; the reasons
		// a technician can act on are checked here again.
		if kerr := outbox.CheckKey(config.Config{DataDir: f.data}.OutboxPath(), keyOr(key, f.data)); kerr != nil {
			return notReady("no kiosk is running with data directory %s: OUT OF SERVICE: %v", f.data, kerr)
		}
		return notReady("no kiosk is running with data directory %s", f.data)
	}
	if err != nil {
		return err
	}
	if f.json {
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
	if firmware != nil {
		printFirmware(stdout, *firmware, false)
	}
	if paper != nil {
		return showPaper(stdout, *paper)
	}
	return nil
}

// checklist is the opening checklist as the kiosk answered it, and whether it printed.
type checklist struct {
	items    []readiness.Item
	printed  bool
	printKey string // why it did not print, with --print
}

// MarshalJSON keeps --json what it has always been: the items alone.
func (c checklist) MarshalJSON() ([]byte, error) { return json.Marshal(c.items) }

// kioskReadiness runs the opening checklist on the running kiosk's status; with print the
// kiosk prints it as well, like the button on the maintenance menu.
func kioskReadiness(ctx context.Context, c *control.Client, print bool) (checklist, error) {
	if print {
		items, key, err := c.Readiness(ctx, true)
		return checklist{items: items, printed: key == "", printKey: key}, err
	}
	// The same checklist the kiosk would make, from its status: this answers a kiosk that
	// serves the socket without the technician's side too.
	st, err := c.Status(ctx)
	if err != nil {
		return checklist{}, err
	}
	return checklist{items: readiness.Check(readiness.Input{Devices: st.Devices, Online: st.Online != nil && *st.Online,
		Pending: st.Pending, OldestQueued: time.Duration(st.OldestQueued), OutOfService: st.OutOfService})}, nil
}

func showChecklist(w io.Writer, c checklist) error {
	for _, it := range c.items {
		fmt.Fprintf(w, "%-4s  %-28s %s\n", it.Level, strings.TrimPrefix(it.Key, "readiness."), it.Detail)
	}
	if c.printed {
		fmt.Fprintln(w, "printed on the kiosk")
	}
	return nil
}

func checkChecklist(c checklist) error {
	if c.printKey != "" {
		return fmt.Errorf("the checklist did not print: %s", c.printKey)
	}
	if !readiness.Ready(c.items) {
		return notReady("not ready to open: clear the fail items")
	}
	return nil
}
