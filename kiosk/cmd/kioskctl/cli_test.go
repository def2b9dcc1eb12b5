package main

import (
	"errors"
	"flag"
	"slices"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
		pos  []string
		json bool
		bad  bool
	}{
		{[]string{"printer.baud", "9600", "--json"}, 2, []string{"printer.baud", "9600"}, true, false},
		{[]string{"--json", "printer.baud", "9600"}, 2, []string{"printer.baud", "9600"}, true, false},
		{[]string{"printer.baud", "--json", "9600"}, 2, []string{"printer.baud", "9600"}, true, false},
		{[]string{"printer.baud"}, 2, nil, false, true},
		{[]string{"a", "b", "c"}, 2, nil, false, true},
		{nil, -1, nil, false, false},
		{[]string{"idle_timeout"}, -1, []string{"idle_timeout"}, false, false},
		{[]string{"a", "b"}, -1, nil, false, true},
		{[]string{"--nope"}, 0, nil, false, true},
		{[]string{"stray"}, 0, nil, false, true},
	} {
		var asJSON bool
		pos, err := parseArgs("test", c.args, c.want, func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") })
		var ee *exitError
		switch {
		case c.bad && (!errors.As(err, &ee) || ee.code != exitUsage):
			t.Errorf("%q want %d: %v, want a usage error", c.args, c.want, err)
		case !c.bad && (err != nil || !slices.Equal(pos, c.pos) || asJSON != c.json):
			t.Errorf("%q want %d: %q json=%v %v", c.args, c.want, pos, asJSON, err)
		}
	}
}

// TestNoKioskIsNotReady: every command that asks the kiosk says so, with exit 3, when none
// runs, through the one client (kioskFlags.call).
func TestNoKioskIsNotReady(t *testing.T) {
	dir := t.TempDir()
	for _, c := range commands() {
		switch c.name {
		case "selftest", "config get", "config log", "logs", "network", "paper status", "maint status", "readiness", "status":
		default:
			continue
		}
		args := []string{"--data", dir}
		if c.name == "selftest" {
			args = append(args, "gpio")
		}
		var ee *exitError
		if err := c.run(args, nil); !errors.As(err, &ee) || ee.code != exitNotReady {
			t.Errorf("%s without a kiosk: %v, want exit %d", c.name, err, exitNotReady)
		}
	}
}
