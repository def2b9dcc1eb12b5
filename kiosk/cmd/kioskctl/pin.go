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
		{"pin hash-card", "< ID-NUMBER", "hash a technician's ID number for technician_cards in kiosk.json", cardHash},
	}
}

// pinHash reads the PIN from standard input, so that it stays out of the shell's history
// and the process list, and prints the scrypt hash the configuration keeps instead.
func pinHash(args []string, stdout io.Writer) error {
	return hashSecret(args, stdout, "PIN", maint.HashPIN)
}

// cardHash does the same for a technician's ID number: the allow list keeps only hashes.
func cardHash(args []string, stdout io.Writer) error {
	return hashSecret(args, stdout, "ID number", func(s string) (string, error) { return maint.HashCard(strings.ToUpper(s)) })
}

func hashSecret(args []string, stdout io.Writer, what string, hash func(string) (string, error)) error {
	if len(args) > 0 {
		return usage("the %s is read from standard input, not from the command line", what)
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return usage("type the %s on standard input", what)
	}
	h, err := hash(strings.TrimSpace(line))
	if err != nil {
		return usage("%v", err)
	}
	fmt.Fprintln(stdout, h)
	return nil
}
