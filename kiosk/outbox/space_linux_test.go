package outbox

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// A real full disk: a small tmpfs filled by another file. It needs root to mount and skips
// cleanly without it; TestLowDiskSpaceIsOutOfServiceBeforeAnyWrite covers the logic anywhere.
func TestRealNearlyFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	ob, err := Open(filepath.Join(dir, "outbox.db"), &Opts{KioskID: "K001", Key: testKey(t), MinFree: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	if err := ob.Healthy(); err != nil {
		t.Fatalf("8 MiB disk, nearly empty: %v", err)
	}
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, 7<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ob.Healthy(); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("under 2 MiB left: %v", err)
	}
	os.Remove(filler)
	if err := ob.Healthy(); err != nil {
		t.Fatalf("space freed: %v", err)
	}
}
