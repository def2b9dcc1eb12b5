package main

import (
	"image/png"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestBootsUnderCage runs the firmware as the kiosk unit does: inside cage with Xwayland, as
// a user that is not root (cage refuses root), here on wlroots' headless backend. Once the
// kiosk says READY=1, grim's screenshot of the output must be the kiosk's idle screen from
// edge to edge: before the window was sized to the output, the part it did not cover stayed
// black.
func TestBootsUnderCage(t *testing.T) {
	if os.Getenv("KIOSK_TEST_CAGE") == "" {
		t.Skip("KIOSK_TEST_CAGE not set: ./build.sh test runs this in its firmware step")
	}
	for _, tool := range []string{"cage", "grim", "Xwayland"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (./build.sh test installs it)", tool)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run cage as the unprivileged user nobody")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)

	// t.TempDir's parent is root's alone; nobody must reach the binary and its directories.
	dir, err := os.MkdirTemp("", "kiosk-cage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "kiosk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	runtime, data := filepath.Join(dir, "run"), filepath.Join(dir, "data")
	for _, d := range []string{runtime, data} {
		os.Mkdir(d, 0o700)
		os.Chown(d, uid, gid)
	}
	// A hall on loopback needs no client certificate: the kiosk comes up to its idle screen
	// (no devices are attached; the hall does not answer).
	cfg := filepath.Join(data, "kiosk.json")
	if err := os.WriteFile(cfg, []byte(`{"hall_url": "http://127.0.0.1:9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(cfg, uid, gid)
	sock := filepath.Join(dir, "notify")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	os.Chmod(sock, 0o666)

	env := []string{"PATH=/usr/bin:/bin", "HOME=" + runtime, "XDG_RUNTIME_DIR=" + runtime,
		"WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman", "LANG=zh_CN.UTF-8"}
	cage := exec.Command("cage", "-d", "--", bin, "--data", data)
	cage.Env = append(env, "NOTIFY_SOCKET="+sock)
	cage.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	log, _ := os.Create(filepath.Join(dir, "cage.log"))
	cage.Stdout, cage.Stderr = log, log
	if err := cage.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { // a cage that dies ends the wait for READY=1 at once
		cage.Wait()
		close(exited)
		srv.SetReadDeadline(time.Now())
	}()
	defer func() {
		cage.Process.Signal(syscall.SIGTERM)
		<-exited
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("cage and kiosk output:\n%s", b)
		}
	}()

	srv.SetReadDeadline(time.Now().Add(90 * time.Second)) // only keeps a broken kiosk from hanging the test
	buf := make([]byte, 256)
	n, err := srv.Read(buf)
	if err != nil {
		t.Fatalf("no READY=1 from the kiosk under cage: %v", err)
	}
	t.Logf("the kiosk notified %q", buf[:n])

	// The screen repaints every second (the clock, the network line); take shots until one
	// shows the kiosk covering the whole output, or the kiosk has had ample time. An output
	// that stays black fails the test: it was the open defect of issue 14 (see fillOutput).
	shot := filepath.Join(runtime, "shot.png")
	var last string
	for try := 0; try < 30; try++ {
		grim := exec.Command("grim", shot)
		grim.Env = append(env, "WAYLAND_DISPLAY=wayland-0")
		grim.SysProcAttr = cage.SysProcAttr
		if out, err := grim.CombinedOutput(); err != nil {
			last = "grim: " + err.Error() + ": " + string(out)
		} else if paperShare(shot) > 0.05 {
			if dst := os.Getenv("KIOSK_TEST_SHOTS"); dst != "" {
				b, _ := os.ReadFile(shot)
				os.WriteFile(filepath.Join(dst, "cage-idle.png"), b, 0o644)
			}
			if last = covered(shot); last == "" {
				t.Logf("the kiosk covers the whole output")
				return
			}
			t.Fatalf("the kiosk is drawn but does not cover the output: %s", last)
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("every shot of the headless output stayed black for 30 s although the kiosk said READY=1 %s", last)
}

// paperShare is the share of a screenshot's pixels in the kiosk's background colour: the
// kiosk has drawn its screen when much of the output shows it.
func paperShare(path string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0
	}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0xf5 && g>>8 == 0xf8 && bl>>8 == 0xfc { // theme.Paper
				n++
			}
		}
	}
	return float64(n) / float64((b.Dx()/4+1)*(b.Dy()/4+1))
}

// covered says what is wrong with a screenshot of the whole output, or "" if the kiosk
// covers it: no column of the right quarter and no row of the bottom quarter may be pure
// black, the compositor's colour where no window is.
func covered(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return err.Error()
	}
	b := img.Bounds()
	if b.Dx() < 640 || b.Dy() < 480 {
		return "output " + b.String() + " is smaller than a kiosk screen"
	}
	black := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r|g|bl == 0
	}
	for x := b.Max.X * 3 / 4; x < b.Max.X; x++ {
		if allBlack(b.Min.Y, b.Max.Y, func(y int) bool { return black(x, y) }) {
			return "column " + strconv.Itoa(x) + " of " + b.String() + " is black"
		}
	}
	for y := b.Max.Y * 3 / 4; y < b.Max.Y; y++ {
		if allBlack(b.Min.X, b.Max.X, func(x int) bool { return black(x, y) }) {
			return "row " + strconv.Itoa(y) + " of " + b.String() + " is black"
		}
	}
	return ""
}

func allBlack(from, to int, black func(int) bool) bool {
	for i := from; i < to; i++ {
		if !black(i) {
			return false
		}
	}
	return true
}
