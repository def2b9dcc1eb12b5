package main

import (
	"os/exec"
	"strings"
	"testing"

	"taxkiosk/kiosk/maint"
)

// TestHashesFromStandardInput: PINs and technicians' ID numbers are read from standard input
// only, and what comes out is a hash the kiosk accepts and that does not show the input.
func TestHashesFromStandardInput(t *testing.T) {
	for _, c := range []struct {
		cmd, secret string
		verify      func([]string, string) bool
	}{
		{"hash", "246810", maint.VerifyPIN},
		{"hash-card", "410403196804153016", maint.VerifyCard},
	} {
		cmd := exec.Command(kioskctl, "pin", c.cmd)
		cmd.Stdin = strings.NewReader(c.secret + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pin %s: %v", c.cmd, err)
		}
		h := strings.TrimSpace(string(out))
		if strings.Contains(h, c.secret) || !c.verify([]string{h}, c.secret) {
			t.Fatalf("pin %s gave %q", c.cmd, h)
		}
		if err := exec.Command(kioskctl, "pin", c.cmd, c.secret).Run(); err == nil {
			t.Errorf("pin %s took the secret from the command line", c.cmd)
		}
	}
	cmd := exec.Command(kioskctl, "pin", "hash-card")
	cmd.Stdin = strings.NewReader("not a number\n")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "ID number") {
		t.Fatalf("a malformed number: %v %s", err, out)
	}
}
