package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestServeNotifiesSystemd runs the real hall binary as its Type=notify unit would: READY=1
// arrives once it serves, and SIGTERM stops it cleanly.
func TestServeNotifiesSystemd(t *testing.T) {
	dir := t.TempDir()
	bin := buildHall(t, dir)
	sock := filepath.Join(dir, "notify")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cmd := exec.Command(bin, "serve", "--data", filepath.Join(dir, "data"), "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	srv.SetReadDeadline(time.Now().Add(60 * time.Second)) // only keeps a broken hall from hanging the test
	buf := make([]byte, 64)
	n, err := srv.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:n]); got != "READY=1" {
		t.Fatalf("got %q, want READY=1", got)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("hall exited with %v after SIGTERM", err)
	}
}
