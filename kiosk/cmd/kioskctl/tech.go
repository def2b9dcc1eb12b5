package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/tech"
)

// The maintenance menu over SSH: each command asks the running kiosk one thing over its
// control socket, which only the kiosk's own user and root may open, and shows the answer as
// a table or --json (kioskCmd).
func techCommands() []command {
	var n int // logs -n
	return []command{
		{"selftest", "idcard|printer|scanner|gpio [--data DIR] [--json]", "test one device on the running kiosk (card/scanner: in maintenance)", kioskCmd[tech.SelfTest]{
			name: "selftest", args: 1, call: selfTest, show: showSelfTest, check: checkSelfTest}.run},
		{"config get", "[KEY] [--data DIR] [--json]", "the editable settings, or one", kioskCmd[[]tech.Setting]{
			name: "config get", args: -1, call: configGet, show: showSettings}.run},
		{"config set", "KEY VALUE [--data DIR] [--json]", "change one setting: validated, saved, logged, audited", kioskCmd[tech.Setting]{
			name: "config set", args: 2, call: configSet, show: showSettingSaved}.run},
		{"config log", "[--data DIR] [--json]", "the configuration change log", kioskCmd[[]tech.Change]{
			name: "config log", call: configLog, show: showConfigLog}.run},
		{"logs", "[-n N] [--data DIR] [--json]", "the kiosk's last log lines, personal data masked", kioskCmd[[]tech.LogLine]{
			name: "logs", flag: func(fs *flag.FlagSet) { fs.IntVar(&n, "n", 50, "the last N lines (0: all the kiosk keeps)") },
			call: func(ctx context.Context, c *control.Client, _ []string) ([]tech.LogLine, error) {
				return kioskLogs(ctx, c, n)
			},
			show: showLogs}.run},
		{"network", "[--data DIR] [--json]", "hall reachability, round trip, certificates, clock skew; exit 3 when unreachable", kioskCmd[tech.NetReport]{
			name: "network", call: network, show: showNetwork, check: checkNetwork}.run},
		{"paper status", "[--data DIR] [--json]", "the paper counter and receipts left before near-end", kioskCmd[tech.Consumables]{
			name: "paper status", call: noArgs((*control.Client).Consumables), show: showPaper}.run},
		{"paper replaced", "[--data DIR] [--json]", "a new roll is in: reset the paper counter", kioskCmd[tech.Consumables]{
			name: "paper replaced", call: noArgs((*control.Client).PaperReplaced), show: showPaper}.run},
		{"output", "NAME on|off [--data DIR] [--json]", "switch the tower light (tower_light) or an indicator", kioskCmd[[]tech.Pin]{
			name: "output", args: 2, call: setOutput, show: showPins}.run},
		{"outbox save", "[DIR] [--data DIR] [--json]", "the kiosk writes its queue, masked, into DIR on the kiosk (default: a mounted USB stick, else DATA/exports)", kioskCmd[saved]{
			name: "outbox save", args: -1, call: outboxSave, show: showSaved}.run},
		{"maint status", "[--data DIR] [--json]", "whether the kiosk is in maintenance", maintenance("maint status", false, false)},
		{"maint enter", "[--data DIR] [--json]", "take the kiosk out of taxpayer service (waits for no one: refused during a session)", maintenance("maint enter", true, false)},
		{"maint exit", "[--data DIR] [--json]", "return the kiosk to taxpayer service", maintenance("maint exit", false, true)},
	}
}

// noArgs is a kioskCmd call for a question without arguments.
func noArgs[T any](ask func(*control.Client, context.Context) (T, error)) func(context.Context, *control.Client, []string) (T, error) {
	return func(ctx context.Context, c *control.Client, _ []string) (T, error) { return ask(c, ctx) }
}

func selfTest(ctx context.Context, c *control.Client, args []string) (tech.SelfTest, error) {
	switch dev := args[0]; dev {
	case tech.DeviceIDCard, tech.DevicePrinter, tech.DeviceScanner, tech.DeviceGPIO:
		return c.SelfTest(ctx, dev)
	}
	return tech.SelfTest{}, usage("device must be idcard, printer, scanner or gpio")
}

func showSelfTest(w io.Writer, st tech.SelfTest) error {
	verdict := "OK"
	if !st.OK {
		verdict = "FAILED: " + st.MessageKey
	}
	fmt.Fprintf(w, "%s self-test: %s (%s)\n", st.Device, verdict, st.Took)
	for _, fl := range st.Fields {
		fmt.Fprintf(w, "  %-12s %s\n", fl.Label, fl.Value)
	}
	return nil
}

func checkSelfTest(st tech.SelfTest) error {
	switch {
	case st.OK:
		return nil
	case st.MessageKey == "maint.selftest.not_in_maint":
		return notReady("the kiosk is not in maintenance: enter it on the screen (PIN) or with `kioskctl maint enter`, then test the %s", st.Device)
	case st.MessageKey == "maint.selftest.timeout":
		return notReady("nothing came in time: place a card or scan a code while the test waits")
	}
	return fmt.Errorf("%s self-test failed: %s", st.Device, st.MessageKey)
}

func showSettings(w io.Writer, ss []tech.Setting) error {
	if len(ss) == 1 { // config get KEY: the value alone, for scripts
		_, err := fmt.Fprintln(w, ss[0].Value)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tTYPE\tAPPLIES")
	for _, s := range ss {
		applies := "now"
		if s.Restart {
			applies = "after restart"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Key, strconv.Quote(s.Value), s.Type, applies)
	}
	return tw.Flush()
}

func configGet(ctx context.Context, c *control.Client, args []string) ([]tech.Setting, error) {
	key := ""
	if len(args) == 1 {
		key = args[0]
	}
	return c.Settings(ctx, key)
}

func configSet(ctx context.Context, c *control.Client, args []string) (tech.Setting, error) {
	return c.ChangeSetting(ctx, args[0], args[1])
}

func showSettingSaved(w io.Writer, s tech.Setting) error {
	when := "now"
	if s.Restart {
		when = "after the kiosk restarts"
	}
	_, err := fmt.Fprintf(w, "%s = %s (saved; applies %s)\n", s.Key, strconv.Quote(s.Value), when)
	return err
}

func configLog(ctx context.Context, c *control.Client, _ []string) ([]tech.Change, error) {
	chs, err := c.ConfigLog(ctx)
	if chs == nil {
		chs = []tech.Change{} // [] in JSON, not null
	}
	return chs, err
}

func showConfigLog(w io.Writer, chs []tech.Change) error {
	if len(chs) == 0 {
		_, err := fmt.Fprintln(w, "no changes")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tKEY\tOLD\tNEW\tBY")
	for _, ch := range chs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ch.At.Local().Format("2006-01-02 15:04:05"), ch.Key, strconv.Quote(ch.Old), strconv.Quote(ch.New), ch.By)
	}
	return tw.Flush()
}

func kioskLogs(ctx context.Context, c *control.Client, n int) ([]tech.LogLine, error) {
	if n < 0 {
		return nil, usage("-n must not be negative")
	}
	lines, err := c.Logs(ctx, n)
	if lines == nil {
		lines = []tech.LogLine{} // [] in JSON, not null
	}
	return lines, err
}

func showLogs(w io.Writer, lines []tech.LogLine) error {
	for _, l := range lines {
		fmt.Fprintf(w, "%s %-5s %s\n", l.Time.Local().Format("2006-01-02 15:04:05"), l.Level, l.Text)
	}
	return nil
}

func network(ctx context.Context, c *control.Client, _ []string) (tech.NetReport, error) {
	return c.Network(ctx)
}

func showNetwork(w io.Writer, r tech.NetReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	state := "reachable"
	if !r.Reachable {
		state = "UNREACHABLE (" + r.ErrorKey + ")"
	}
	fmt.Fprintf(tw, "hall\t%s\t%s\n", r.HallURL, state)
	if r.Error != "" {
		fmt.Fprintf(tw, "error\t%s\n", r.Error)
	}
	if r.Reachable {
		fmt.Fprintf(tw, "round trip\t%s\n", r.RoundTrip)
	}
	if r.TLS {
		fmt.Fprintf(tw, "hall certificate expires\t%s\n", dateOrUnknown(r.HallCertExpires))
		fmt.Fprintf(tw, "kiosk certificate expires\t%s\n", dateOrUnknown(r.KioskCertExpires))
	} else {
		fmt.Fprintf(tw, "tls\tnone (plain http)\n")
	}
	if r.SkewKnown {
		fmt.Fprintf(tw, "clock skew\t%s (kiosk minus hall, to the second)\n", r.ClockSkew)
	}
	return tw.Flush()
}

func checkNetwork(r tech.NetReport) error {
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

func showPaper(w io.Writer, c tech.Consumables) error {
	per := "estimated"
	if c.Learned {
		per = "learned from the last roll"
	}
	replaced := "never"
	if !c.ReplacedAt.IsZero() {
		replaced = c.ReplacedAt.Local().Format("2006-01-02 15:04:05")
	}
	_, err := fmt.Fprintf(w, "paper: %d printed since replaced (%s); about %d left of %d per roll (%s)\n", c.Printed, replaced, c.Left, c.PerRoll, per)
	return err
}

func setOutput(ctx context.Context, c *control.Client, args []string) ([]tech.Pin, error) {
	var on bool
	switch args[1] {
	case "on":
		on = true
	case "off":
	default:
		return nil, usage("the state must be on or off")
	}
	return c.SetOutput(ctx, args[0], on)
}

func showPins(w io.Writer, pins []tech.Pin) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tDIRECTION\tSTATE")
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
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, dir, state)
	}
	return tw.Flush()
}

// inMaintenance is the kiosk's answer to the maint commands.
type inMaintenance struct {
	On bool `json:"maintenance"`
}

func maintenance(name string, enter, exit bool) func(args []string, stdout io.Writer) error {
	return kioskCmd[inMaintenance]{name: name,
		call: func(ctx context.Context, c *control.Client, _ []string) (inMaintenance, error) {
			on, err := c.Maintenance(ctx, enter, exit)
			return inMaintenance{on}, err
		},
		show: func(w io.Writer, m inMaintenance) error {
			_, err := fmt.Fprintln(w, map[bool]string{true: "maintenance: the kiosk is out of taxpayer service", false: "in service: the kiosk serves taxpayers"}[m.On])
			return err
		},
	}.run
}

// saved is where the kiosk wrote an export.
type saved struct {
	Path    string `json:"path"`
	Records int    `json:"records"`
}

// outboxSave is the menu's export button: unlike `outbox export`, the kiosk writes the file
// itself, on its own disk or USB stick, and records the export for the hall.
func outboxSave(ctx context.Context, c *control.Client, args []string) (saved, error) {
	dir := ""
	if len(args) == 1 {
		dir = args[0]
	}
	path, n, err := c.ExportTo(ctx, dir)
	return saved{path, n}, err
}

func showSaved(w io.Writer, s saved) error {
	_, err := fmt.Fprintf(w, "%d records written to %s on the kiosk\n", s.Records, s.Path)
	return err
}
