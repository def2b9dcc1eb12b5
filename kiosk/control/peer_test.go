package control

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestPeerAllowed(t *testing.T) {
	me := uint32(os.Getuid())
	if !peerAllowed(me) || !peerAllowed(0) || peerAllowed(me+4242) {
		t.Fatal("peer rule: the kiosk's user and root only")
	}
}

// TestOtherUserRefused runs a child process as another user (needs root to switch): the 0600
// socket keeps it out; with the socket and its directory opened up by mistake, the server's
// SO_PEERCRED check still refuses it.
func TestOtherUserRefused(t *testing.T) {
	if path := os.Getenv("CONTROL_PEER_CHILD"); path != "" {
		_, err := (&Client{Path: path}).Status(context.Background())
		fmt.Println("child:", err)
		return
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to run a child as another user")
	}
	dir := t.TempDir()
	ob, _ := testOutbox(t, dir)
	sock := filepath.Join(dir, "control.sock")
	serve(t, sock, Kiosk{Outbox: ob})
	// The child must reach its binary and the directory of the socket: let others traverse
	// (not list) the directories, as /run or /var/lib would allow. The socket stays 0600.
	bin := filepath.Join(t.TempDir(), "control.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, start := range []string{dir, filepath.Dir(bin)} {
		for p := start; p != "/" && p != "."; p = filepath.Dir(p) {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o011 == 0o011 {
				continue // already traversable; never touch shared directories such as /tmp
			}
			mode := fi.Mode() & (os.ModePerm | os.ModeSticky | os.ModeSetgid | os.ModeSetuid)
			os.Chmod(p, mode|0o011)
			t.Cleanup(func() { os.Chmod(p, mode) })
		}
	}
	child := func() string {
		cmd := exec.Command(bin, "-test.run=^TestOtherUserRefused$")
		cmd.Env = append(os.Environ(), "CONTROL_PEER_CHILD="+sock)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil && !strings.Contains(string(out), "child:") {
			t.Skipf("cannot run the test binary as nobody: %v %s", err, out)
		}
		return string(out)
	}
	if out := child(); !strings.Contains(out, "permission denied") {
		t.Fatalf("other user through a 0600 socket: %s", out)
	}
	// A careless installer widens the socket; the server's SO_PEERCRED check still refuses.
	os.Chmod(sock, 0o666)
	out := child()
	if !strings.Contains(out, "is not the kiosk's user") {
		t.Fatalf("other user through a widened socket: %s", out)
	}
}
