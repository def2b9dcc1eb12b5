// Command kioskctl is the technician's command line for the self-service tax kiosk: it talks
// to the kiosk's devices on any serial path (a real tty or a simulator's pty) and runs the
// device simulators. It builds without cgo.
//
//	kioskctl idcard read|samid --port PATH [--baud N] [--json]
//	kioskctl printer status --port PATH [--baud N] [--json]
//	kioskctl printer test  --port PATH [--baud N] [--width 58|80]
//	kioskctl printer journal [--data DIR] [--failed] [--json]
//	kioskctl printer reprint ID --port PATH [--data DIR]
//	kioskctl scanner read  --port PATH [--baud N] [--timeout D] [--json]
//	kioskctl gpio read|set ... (pins named by flags)
//	kioskctl outbox status|list|export [--data DIR] ; kioskctl sync now
//	kioskctl sim idcard|printer|scanner --link PATH [options]
//	kioskctl status|readiness [--print]|network|logs [-n N] [--data DIR] [--json]
//	kioskctl selftest idcard|printer|scanner|gpio ; kioskctl output NAME on|off
//	kioskctl config get [KEY] | set KEY VALUE | log ; kioskctl paper status|replaced
//	kioskctl maint status|enter|exit
//
// Run kioskctl without arguments for every command and its flags.
//
// The commands of the second group talk to the running kiosk over its control socket
// (DIR/control.sock, open to the kiosk's user and root only), as the maintenance menu does.
//
// Each area's file (idcard.go, printer.go, tech.go, update.go, ...) lists its commands in one
// function that commands() gathers; a command reads its line with parseArgs (cli.go), and one
// that asks the running kiosk is a kioskCmd: parse, one call over the socket, a table or
// --json. Adding a command is one entry in its area's list (a new area: one function, named
// in commands()).
//
// Exit status: 0 done, 1 failed, 2 usage, 3 the device is not ready (no card on the reader,
// printer out of paper or cover open, no code scanned in time, no kiosk running, kiosk not
// in maintenance for a card or scanner test, hall unreachable, checklist not passed).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitNotReady = 3
)

// exitError carries an exit status and a message for the technician.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func notReady(format string, a ...any) error {
	return &exitError{code: exitNotReady, msg: fmt.Sprintf(format, a...)}
}

func usage(format string, a ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, a...)}
}

type command struct {
	name, args, help string
	run              func(args []string, stdout io.Writer) error
}

// commands is every command, gathered from the file of each area (idcard.go, printer.go, ...),
// in the order usage lists them.
func commands() []command {
	var all []command
	for _, group := range [][]command{idcardCommands(), printerCommands(), scannerCommands(), simCommands(), outboxCommands(), gpioCommands(), pinCommands(), statusCommands(), techCommands(), updateCommands()} {
		all = append(all, group...)
	}
	return all
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(args[len(words):], stdout)
			if err == nil {
				return exitOK
			}
			fmt.Fprintf(stderr, "kioskctl %s: %v\n", c.name, err)
			var ee *exitError
			if errors.As(err, &ee) {
				return ee.code
			}
			return exitFailed
		}
	}
	fmt.Fprintln(stderr, "usage:")
	for _, c := range commands() {
		fmt.Fprintf(stderr, "  kioskctl %-15s %-45s %s\n", c.name, c.args, c.help)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return exitOK
	}
	return exitUsage
}
