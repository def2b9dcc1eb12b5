package packaging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPackagedSequence: the package carries its firmware's sequence, the last part of its
// version, as bundles of the same commit do.
func TestPackagedSequence(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		pkg := deb(t, "taxkiosk", arch)
		root := t.TempDir()
		run(t, nil, "dpkg-deb", "-x", pkg, root)
		b, err := os.ReadFile(filepath.Join(root, "usr/lib/taxkiosk/SEQUENCE"))
		if err != nil {
			t.Fatal(err)
		}
		version := strings.TrimSpace(run(t, nil, "dpkg-deb", "-f", pkg, "Version"))
		if got, want := strings.TrimSpace(string(b)), version[strings.LastIndex(version, ".")+1:]; got != want {
			t.Errorf("%s: SEQUENCE %q, want %q (version %s)", arch, got, want, version)
		}
	}
}

// TestKioskbootAfterAnUpgrade runs the packaged kioskboot (amd64) from a scratch root on a
// store whose current bundle is one older, then one newer, than the package: the upgrade's
// firmware runs over the older bundle (whose link goes), the newer bundle keeps running. A
// half-downloaded bundle left by a crash is gone either way. The firmware programs are
// scripts that say who they are; kioskboot is the real one.
func TestKioskbootAfterAnUpgrade(t *testing.T) {
	root := t.TempDir()
	run(t, nil, "dpkg-deb", "-x", deb(t, "taxkiosk", "amd64"), root)
	seqFile := filepath.Join(root, "usr/lib/taxkiosk/SEQUENCE")
	b, err := os.ReadFile(seqFile)
	if err != nil {
		t.Fatal(err)
	}
	packaged, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || packaged < 2 {
		t.Fatalf("SEQUENCE %q (%v): want a number above 1", b, err)
	}
	fallback := filepath.Join(t.TempDir(), "kiosk")
	if err := os.WriteFile(fallback, []byte("#!/bin/sh\necho \"packaged $TAXKIOSK_FIRMWARE_VERSION\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bundle   uint64
		want     string
		linkKept bool
	}{
		{packaged - 1, fmt.Sprintf("packaged %d", packaged), false},
		{packaged + 1, fmt.Sprintf("bundle %d", packaged+1), true},
	} {
		store := filepath.Join(t.TempDir(), "firmware")
		seq := strconv.FormatUint(tc.bundle, 10)
		if err := os.MkdirAll(filepath.Join(store, "versions", seq), 0o700); err != nil {
			t.Fatal(err)
		}
		script := "#!/bin/sh\necho \"bundle $TAXKIOSK_FIRMWARE_VERSION\"\n"
		if err := os.WriteFile(filepath.Join(store, "versions", seq, "kiosk"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("versions", seq), filepath.Join(store, "current")); err != nil {
			t.Fatal(err)
		}
		leftover := filepath.Join(store, ".download-crashed")
		if err := os.WriteFile(leftover, []byte("half a bundle"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := run(t, nil, filepath.Join(root, "usr/lib/taxkiosk/kioskboot"), "--firmware", store,
			"--fallback", fallback, "--packaged-sequence", seqFile)
		if !strings.Contains(out, tc.want+"\n") {
			t.Errorf("bundle %d under package %d: output\n%s\nwant %q", tc.bundle, packaged, out, tc.want)
		}
		if _, err := os.Lstat(filepath.Join(store, "current")); (err == nil) != tc.linkKept {
			t.Errorf("bundle %d under package %d: link kept %v, want %v", tc.bundle, packaged, err == nil, tc.linkKept)
		}
		if _, err := os.Lstat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the leftover download is still there (%v)", err)
		}
	}
}
