package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/boltstaff"
	"taxkiosk/kiosk/hall/staff/pgstaff"
	"taxkiosk/kiosk/hall/staffweb"
)

const staffUsage = "usage: hall staff add NAME --role seat|counter|duty|admin [--counter N] --data DIR [--db DSN] (password on stdin) | hall staff list|audit --data DIR [--db DSN] [-n 50] | hall staff kiosk ID --name NAME --place PLACE --data DIR [--db DSN]"

// openStaff opens the staff store beside the hall's: a bbolt file in DIR (hall-staff.db), or the hall's
// PostgreSQL database and schema, where every hall process on it shares the staff.
func openStaff(ctx context.Context, dir, dsn, schema string) (staff.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if dsn != "" {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return pgstaff.Open(ctx, dsn, &pgstaff.Opts{Schema: schema})
	}
	return boltstaff.Open(filepath.Join(dir, "hall-staff.db"))
}

// staffCmd manages staff accounts and the kiosks' names and places.
func staffCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(staffUsage)
	}
	verb, rest := args[0], args[1:]
	var name string
	if (verb == "add" || verb == "kiosk") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	fs := flag.NewFlagSet("hall staff "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory")
	db := fs.String("db", "", "PostgreSQL DSN; empty: bbolt in --data")
	schema := fs.String("db-schema", "hall", "PostgreSQL schema (with --db)")
	role := fs.String("role", "", "seat, counter, duty or admin (add)")
	counter := fs.Int("counter", 0, "the counter number a clerk calls to (add --role counter)")
	kname := fs.String("name", "", "the kiosk's name, as the staff call it (kiosk)")
	place := fs.String("place", "", "where the kiosk stands in the hall (kiosk)")
	last := fs.Int("n", 50, "how many entries, newest first (audit)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("--data DIR is required")
	}
	ctx := context.Background()
	switch verb {
	case "add":
		r, err := staff.ParseRole(*role)
		if err != nil {
			return err
		}
		// The password comes on stdin, never as an argument (ps and shell history show those).
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		hash, err := staff.PasswordHash(strings.TrimRight(line, "\r\n"), staff.DefaultHash)
		if err != nil {
			return err
		}
		a := staff.Account{Name: name, Role: r, Counter: *counter, Hash: hash, Created: time.Now().UTC()}
		if err := a.Validate(); err != nil {
			return err
		}
		st, err := openStaff(ctx, *data, *db, *schema)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.AddAccount(ctx, a); err != nil {
			return err
		}
		if err := st.Audit(ctx, staff.AuditEntry{At: time.Now().UTC(), Who: "hall staff add", Action: "account_added", Detail: name + " as " + string(r)}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "hall: staff account %s (%s) added\n", name, r)
		return nil
	case "list":
		st, err := openStaff(ctx, *data, *db, *schema)
		if err != nil {
			return err
		}
		defer st.Close()
		as, err := st.Accounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCOUNTER\tLOCKED UNTIL")
		for _, a := range as {
			locked := ""
			if a.Locked(time.Now()) {
				locked = a.LockedUntil.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", a.Name, a.Role, a.Counter, locked)
		}
		return tw.Flush()
	case "audit":
		st, err := openStaff(ctx, *data, *db, *schema)
		if err != nil {
			return err
		}
		defer st.Close()
		log, err := st.AuditLog(ctx, *last)
		if err != nil {
			return err
		}
		for _, e := range log {
			who := e.Who
			if who == "" {
				who = "-"
			}
			fmt.Fprintf(stdout, "%s %s %s %s\n", e.At.Format(time.RFC3339), who, e.Action, e.Detail)
		}
		return nil
	case "kiosk":
		if name == "" || *kname == "" {
			return errors.New("hall staff kiosk ID --name NAME --place PLACE")
		}
		st, err := openStaff(ctx, *data, *db, *schema)
		if err != nil {
			return err
		}
		defer st.Close()
		return st.PutKiosk(ctx, staff.Kiosk{ID: name, Name: *kname, Place: *place})
	}
	return errors.New(staffUsage)
}

// displayToken is the hall display's URL secret (staffweb.DisplayToken) from the hall's key
// file.
func displayToken(dataDir string) (string, error) {
	key, err := os.ReadFile(filepath.Join(dataDir, "hall.key"))
	if err != nil {
		return "", err
	}
	return staffweb.DisplayToken(key), nil
}

// newStaffApp is the staff web application with every page of the hall.
func newStaffApp(st staff.Store, token string, o staffweb.Opts) (*staffweb.App, error) {
	o.Store, o.DisplayToken = st, token
	app, err := staffweb.New(o)
	if err != nil {
		return nil, err
	}
	staffweb.RegisterSeat(app)
	staffweb.RegisterCounters(app)
	return app, nil
}
