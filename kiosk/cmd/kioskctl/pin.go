package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"taxkiosk/kiosk/maint"
)

func pinCommands() []command {
	return []command{
		{"pin hash", "< PIN", "hash a technician PIN for technician_pins in kiosk.json", pinHash},
	}
}

// pinHash reads the PIN from standard input, so that it stays out of the shell's history
// and the process list, and prints the scrypt hash the configuration keeps instead.
func pinHash(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usage("the PIN is read from standard input, not from the command line")
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return usage("type the PIN on standard input")
	}
	h, err := maint.HashPIN(strings.TrimSpace(line))
	if err != nil {
		return usage("%v", err)
	}
	fmt.Fprintln(stdout, h)
	return nil
}
