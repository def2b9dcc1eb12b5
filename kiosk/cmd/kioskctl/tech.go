package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/tech"
)

// The maintenance menu over SSH: each command asks the running kiosk over its control socket,
// which only the kiosk's own user and root may open.
func techCommands() []command {
	return []command{
		{"selftest", "idcard|printer|scanner|gpio [--data DIR] [--json]", "test one device on the running kiosk (card/scanner: in maintenance)", selfTest},
		{"config get", "[KEY] [--data DIR] [--json]", "the editable settings, or one", configGet},
		{"config set", "KEY VALUE [--data DIR] [--json]", "change one setting: validated, saved, logged, audited", configSet},
		{"config log", "[--data DIR] [--json]", "the configuration change log", configLog},
		{"logs", "[-n N] [--data DIR] [--json]", "the kiosk's last log lines, personal data masked", kioskLogs},
		{"network", "[--data DIR] [--json]", "hall reachability, round trip, certificates, clock skew; exit 3 when unreachable", network},
		{"paper status", "[--data DIR] [--json]", "the paper counter and receipts left before near-end", paperStatus},
		{"paper replaced", "[--data DIR] [--json]", "a new roll is in: reset the paper counter", paperReplaced},
		{"output", "NAME on|off [--data DIR] [--json]", "switch the tower light (tower_light) or an indicator", setOutput},
		{"outbox save", "[DIR] [--data DIR] [--json]", "the kiosk writes its queue, masked, into DIR on the kiosk (default: a mounted USB stick, else DATA/exports)", outboxSave},
		{"maint status", "[--data DIR] [--json]", "whether the kiosk is in maintenance", maintStatus},
		{"maint enter", "[--data DIR] [--json]", "take the kiosk out of taxpayer service (waits for no one: refused during a session)", maintEnter},
		{"maint exit", "[--data DIR] [--json]", "return the kiosk to taxpayer service", maintExit},
	}
}

// techFlags are the flags every technician command takes.
type techFlags struct {
	data    string
	json    bool
	n       int
	print   bool
	timeout time.Duration
}

// parseTech parses flags and exactly want positional arguments (-1: at most one), in any
// order: technicians type `config set KEY VALUE --json` as often as the other way round.
func parseTech(name string, args []string, want int, extra func(*flag.FlagSet, *techFlags)) (*techFlags, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &techFlags{}
	fs.StringVar(&f.data, "data", config.DefaultDataDir(), "the kiosk's data directory")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "how long to wait for the kiosk")
	if extra != nil {
		extra(fs, f)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, usage("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case want >= 0 && len(pos) != want:
		return nil, nil, usage("want %d argument(s), got %d", want, len(pos))
	case want < 0 && len(pos) > 1:
		return nil, nil, usage("unexpected argument %q", pos[1])
	}
	return f, pos, nil
}

// call runs one exchange with the running kiosk and turns its failures into plain messages.
func (f *techFlags) call(do func(ctx context.Context, c *control.Client) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	c := &control.Client{Path: control.SocketPath(f.data)}
	err := do(ctx, c)
	var refused *control.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, control.ErrNoKiosk):
		return notReady("no kiosk is running with data directory %s", f.data)
	case errors.As(err, &refused):
		return errors.New(refused.Text) // the kiosk's own words, without the protocol's prefix
	}
	return err
}

func selfTest(args []string, stdout io.Writer) error {
	f, pos, err := parseTech("selftest", args, 1, nil)
	if err != nil {
		return err
	}
	dev := pos[0]
	switch dev {
	case tech.DeviceIDCard, tech.DevicePrinter, tech.DeviceScanner, tech.DeviceGPIO:
	default:
		return usage("device must be idcard, printer, scanner or gpio")
	}
	var st tech.SelfTest
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		st, err = c.SelfTest(ctx, dev)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		if err := printJSON(stdout, st); err != nil {
			return err
		}
	} else {
		verdict := "OK"
		if !st.OK {
			verdict = "FAILED: " + st.MessageKey
		}
		fmt.Fprintf(stdout, "%s self-test: %s (%s)\n", st.Device, verdict, st.Took)
		for _, fl := range st.Fields {
			fmt.Fprintf(stdout, "  %-12s %s\n", fl.Label, fl.Value)
		}
	}
	switch {
	case st.OK:
		return nil
	case st.MessageKey == "maint.selftest.not_in_maint":
		return notReady("the kiosk is not in maintenance: enter it on the screen (PIN) or with `kioskctl maint enter`, then test the %s", dev)
	case st.MessageKey == "maint.selftest.timeout":
		return notReady("nothing came in time: place a card or scan a code while the test waits")
	}
	return fmt.Errorf("%s self-test failed: %s", dev, st.MessageKey)
}

func printSettings(stdout io.Writer, ss []tech.Setting) {
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KEY\tVALUE\tTYPE\tAPPLIES")
	for _, s := range ss {
		applies := "now"
		if s.Restart {
			applies = "after restart"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.Key, strconv.Quote(s.Value), s.Type, applies)
	}
	w.Flush()
}

func configGet(args []string, stdout io.Writer) error {
	f, pos, err := parseTech("config get", args, -1, nil)
	if err != nil {
		return err
	}
	key := ""
	if len(pos) == 1 {
		key = pos[0]
	}
	var ss []tech.Setting
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		ss, err = c.Settings(ctx, key)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, ss)
	}
	if key != "" && len(ss) == 1 {
		fmt.Fprintln(stdout, ss[0].Value)
		return nil
	}
	printSettings(stdout, ss)
	return nil
}

func configSet(args []string, stdout io.Writer) error {
	f, pos, err := parseTech("config set", args, 2, nil)
	if err != nil {
		return err
	}
	var s tech.Setting
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		s, err = c.ChangeSetting(ctx, pos[0], pos[1])
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, s)
	}
	when := "now"
	if s.Restart {
		when = "after the kiosk restarts"
	}
	fmt.Fprintf(stdout, "%s = %s (saved; applies %s)\n", s.Key, strconv.Quote(s.Value), when)
	return nil
}

func configLog(args []string, stdout io.Writer) error {
	f, _, err := parseTech("config log", args, 0, nil)
	if err != nil {
		return err
	}
	var chs []tech.Change
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		chs, err = c.ConfigLog(ctx)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		if chs == nil {
			chs = []tech.Change{}
		}
		return printJSON(stdout, chs)
	}
	if len(chs) == 0 {
		fmt.Fprintln(stdout, "no changes")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TIME\tKEY\tOLD\tNEW\tBY")
	for _, ch := range chs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", ch.At.Local().Format("2006-01-02 15:04:05"), ch.Key, strconv.Quote(ch.Old), strconv.Quote(ch.New), ch.By)
	}
	return w.Flush()
}

func kioskLogs(args []string, stdout io.Writer) error {
	f, _, err := parseTech("logs", args, 0, func(fs *flag.FlagSet, f *techFlags) {
		fs.IntVar(&f.n, "n", 50, "the last N lines (0: all the kiosk keeps)")
	})
	if err != nil {
		return err
	}
	if f.n < 0 {
		return usage("-n must not be negative")
	}
	var lines []tech.LogLine
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		lines, err = c.Logs(ctx, f.n)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		if lines == nil {
			lines = []tech.LogLine{}
		}
		return printJSON(stdout, lines)
	}
	for _, l := range lines {
		fmt.Fprintf(stdout, "%s %-5s %s\n", l.Time.Local().Format("2006-01-02 15:04:05"), l.Level, l.Text)
	}
	return nil
}

func network(args []string, stdout io.Writer) error {
	f, _, err := parseTech("network", args, 0, nil)
	if err != nil {
		return err
	}
	var r tech.NetReport
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		r, err = c.Network(ctx)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		if err := printJSON(stdout, r); err != nil {
			return err
		}
	} else {
		w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		state := "reachable"
		if !r.Reachable {
			state = "UNREACHABLE (" + r.ErrorKey + ")"
		}
		fmt.Fprintf(w, "hall\t%s\t%s\n", r.HallURL, state)
		if r.Error != "" {
			fmt.Fprintf(w, "error\t%s\n", r.Error)
		}
		if r.Reachable {
			fmt.Fprintf(w, "round trip\t%s\n", r.RoundTrip)
		}
		if r.TLS {
			fmt.Fprintf(w, "hall certificate expires\t%s\n", dateOrUnknown(r.HallCertExpires))
			fmt.Fprintf(w, "kiosk certificate expires\t%s\n", dateOrUnknown(r.KioskCertExpires))
		} else {
			fmt.Fprintf(w, "tls\tnone (plain http)\n")
		}
		if r.SkewKnown {
			fmt.Fprintf(w, "clock skew\t%s (kiosk minus hall, to the second)\n", r.ClockSkew)
		}
		w.Flush()
	}
	if !r.Reachable {
		return notReady("the hall is not reachable: %s", r.ErrorKey)
	}
	return nil
}

func dateOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2006-01-02 15:04") + fmt.Sprintf(" (in %d days)", int(time.Until(t).Hours()/24))
}

func printPaper(stdout io.Writer, c tech.Consumables) {
	per := "estimated"
	if c.Learned {
		per = "learned from the last roll"
	}
	replaced := "never"
	if !c.ReplacedAt.IsZero() {
		replaced = c.ReplacedAt.Local().Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(stdout, "paper: %d printed since replaced (%s); about %d left of %d per roll (%s)\n", c.Printed, replaced, c.Left, c.PerRoll, per)
}

func paperStatus(args []string, stdout io.Writer) error {
	return paper("paper status", args, stdout, (*control.Client).Consumables)
}

func paperReplaced(args []string, stdout io.Writer) error {
	return paper("paper replaced", args, stdout, (*control.Client).PaperReplaced)
}

func paper(name string, args []string, stdout io.Writer, do func(*control.Client, context.Context) (tech.Consumables, error)) error {
	f, _, err := parseTech(name, args, 0, nil)
	if err != nil {
		return err
	}
	var c tech.Consumables
	if err := f.call(func(ctx context.Context, cl *control.Client) (err error) {
		c, err = do(cl, ctx)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, c)
	}
	printPaper(stdout, c)
	return nil
}

func setOutput(args []string, stdout io.Writer) error {
	f, pos, err := parseTech("output", args, 2, nil)
	if err != nil {
		return err
	}
	var on bool
	switch pos[1] {
	case "on":
		on = true
	case "off":
	default:
		return usage("the state must be on or off")
	}
	var pins []tech.Pin
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		pins, err = c.SetOutput(ctx, pos[0], on)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, pins)
	}
	printPins(stdout, pins)
	return nil
}

func printPins(stdout io.Writer, pins []tech.Pin) {
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "LINE\tDIRECTION\tSTATE")
	for _, p := range pins {
		dir, state := "input", "inactive"
		if p.Output {
			dir = "output"
		}
		switch {
		case !p.Fitted:
			state = "not fitted"
		case p.Mode != "":
			state = p.Mode
		case p.Active:
			state = "active"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, dir, state)
	}
	w.Flush()
}

func maintStatus(args []string, stdout io.Writer) error {
	return maintenance("maint status", args, stdout, false, false)
}

func maintEnter(args []string, stdout io.Writer) error {
	return maintenance("maint enter", args, stdout, true, false)
}

func maintExit(args []string, stdout io.Writer) error {
	return maintenance("maint exit", args, stdout, false, true)
}

func maintenance(name string, args []string, stdout io.Writer, enter, exit bool) error {
	f, _, err := parseTech(name, args, 0, nil)
	if err != nil {
		return err
	}
	var on bool
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		on, err = c.Maintenance(ctx, enter, exit)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, map[string]bool{"maintenance": on})
	}
	fmt.Fprintln(stdout, strings.TrimSpace(map[bool]string{true: "maintenance: the kiosk is out of taxpayer service", false: "in service: the kiosk serves taxpayers"}[on]))
	return nil
}

// outboxSave is the menu's export button: unlike `outbox export`, the kiosk writes the file
// itself, on its own disk or USB stick, and records the export for the hall.
func outboxSave(args []string, stdout io.Writer) error {
	f, pos, err := parseTech("outbox save", args, -1, nil)
	if err != nil {
		return err
	}
	dir := ""
	if len(pos) == 1 {
		dir = pos[0]
	}
	var path string
	var n int
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		path, n, err = c.ExportTo(ctx, dir)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		return printJSON(stdout, map[string]any{"path": path, "records": n})
	}
	fmt.Fprintf(stdout, "%d records written to %s on the kiosk\n", n, path)
	return nil
}
