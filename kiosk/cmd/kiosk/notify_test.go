package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNotifiesSystemd runs the firmware as systemd would under cage: $NOTIFY_SOCKET set and a
// $WATCHDOG_PID that is not the kiosk's (cage's, in the unit). It must send READY=1 and then
// keep pinging WATCHDOG=1 from its UI thread.
func TestNotifiesSystemd(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	bin, sock, srv := kioskWithNotifySocket(t)
	cmd := exec.Command(bin, "--windowed", "--data", t.TempDir())
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=2000000", "WATCHDOG_PID=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	var got []string
	buf := make([]byte, 256)
	for pings := 0; pings < 3; {
		srv.SetReadDeadline(time.Now().Add(60 * time.Second)) // only keeps a broken kiosk from hanging the test
		n, err := srv.Read(buf)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, string(buf[:n]))
		pings += strings.Count(string(buf[:n]), "WATCHDOG=1")
	}
	if !strings.HasPrefix(got[0], "READY=1\n") {
		t.Fatalf("the first notification is %q, want READY=1 first", got[0])
	}
	if strings.Count(strings.Join(got, ""), "READY=1") != 1 {
		t.Fatalf("READY=1 more than once: %q", got)
	}
}

// TestOutOfServiceMode is the end state taxkiosk-out-of-service.service starts after
// repeated failures: the out-of-service screen, READY=1 for systemd, and no storage opened.
func TestOutOfServiceMode(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run through ./build.sh test, which starts Xvfb")
	}
	bin, sock, srv := kioskWithNotifySocket(t)
	data := t.TempDir()
	cmd := exec.Command(bin, "--out-of-service", "--windowed", "--data", data)
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	srv.SetReadDeadline(time.Now().Add(60 * time.Second)) // only keeps a broken kiosk from hanging the test
	buf := make([]byte, 64)
	n, err := srv.Read(buf)
	if err != nil || string(buf[:n]) != "READY=1\n" {
		t.Fatalf("got %q, %v; want READY=1", buf[:n], err)
	}
	if ents, _ := os.ReadDir(data); len(ents) != 0 {
		t.Fatalf("out of service, the kiosk still made %v in its data directory", ents)
	}
}

// kioskWithNotifySocket builds the firmware and listens where systemd's $NOTIFY_SOCKET would
// point; the socket closes with the test.
func kioskWithNotifySocket(t *testing.T) (bin, sock string, srv *net.UnixConn) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "kiosk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sock = filepath.Join(dir, "notify")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return bin, sock, srv
}
