package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFirmwareLinksNoDemo: the binary that ships links no simulator, netsim, demo or hall
// package (kiosk/hall and all below it, its PKI included); they belong to the demo build
// (-tags demo) alone. kiosk/layers checks the other floors.
func TestFirmwareLinksNoDemo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if !strings.HasPrefix(pkg, "taxkiosk/") {
			continue
		}
		if demoOnly(pkg) {
			t.Errorf("the firmware links %s", pkg)
		}
	}
	out, err = exec.Command("go", "list", "-tags", "demo", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -tags demo: %v", err)
	}
	if !strings.Contains(string(out), "taxkiosk/kiosk/demo\n") {
		t.Error("the demo build does not link taxkiosk/kiosk/demo: the check above proves nothing")
	}
}

// demoOnly names the packages only the demo may link: simulators, the demo rig, the hall
// (the kiosk's certificates come from kiosk/mtls, below both sides).
func demoOnly(pkg string) bool {
	switch {
	case strings.HasSuffix(pkg, "sim"), pkg == "taxkiosk/kiosk/demo", pkg == "taxkiosk/kiosk/netsim",
		pkg == "taxkiosk/ui/simpanel":
		return true
	case pkg == "taxkiosk/kiosk/hall", strings.HasPrefix(pkg, "taxkiosk/kiosk/hall/"):
		return true
	}
	return false
}
