package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/maint"
)

var kioskctl string // the binary under test, built once

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kioskctl-test")
	if err != nil {
		panic(err)
	}
	kioskctl = filepath.Join(dir, "kioskctl")
	build := exec.Command("go", "build", "-o", kioskctl, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sim runs `kioskctl sim KIND --link PATH args...` and returns a function that sends it a
// command line and waits for its "ok" or "error" answer.
func sim(t *testing.T, kind string, args ...string) (link string, say func(string) string) {
	t.Helper()
	link = filepath.Join(t.TempDir(), "tty"+kind)
	cmd := exec.Command(kioskctl, append([]string{"sim", kind, "--link", link}, args...)...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			t.Error("simulator did not stop on SIGINT")
		}
	})
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	wait := func(prefixes ...string) string {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("simulator exited")
				}
				for _, p := range prefixes {
					if strings.HasPrefix(l, p) {
						return l
					}
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("simulator said none of %q", prefixes)
			}
		}
	}
	wait("simulator ready")
	return link, func(c string) string {
		io.WriteString(stdin, c+"\n")
		return wait("ok", "error")
	}
}

func ctl(t *testing.T, args ...string) (stdout string, code int) {
	t.Helper()
	cmd := exec.Command(kioskctl, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String() + errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

func TestIDCardRead(t *testing.T) {
	link, say := sim(t, "idcard")
	out, code := ctl(t, "idcard", "read", "--port", link, "--json")
	if code != exitNotReady || !strings.Contains(out, "no card") {
		t.Fatalf("empty reader: exit %d, %s", code, out)
	}
	for _, c := range []struct{ persona, cardType, validTo string }{
		{"resident-male", "resident", "长期"},
		{"hk-resident", "hmt_residence_permit", ""},
		{"foreign-permanent", "foreign_permanent", ""},
	} {
		if r := say("place " + c.persona); !strings.HasPrefix(r, "ok") {
			t.Fatal(r)
		}
		out, code = ctl(t, "idcard", "read", "--port", link, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.persona, code, out)
		}
		var card map[string]string
		if err := json.Unmarshal([]byte(out), &card); err != nil {
			t.Fatalf("%s: %v: %s", c.persona, err, out)
		}
		for _, k := range []string{"name", "gender", "nation", "birth", "address", "id_number", "authority", "valid_from", "valid_to", "card_type"} {
			if _, ok := card[k]; !ok {
				t.Errorf("%s: key %q missing", c.persona, k)
			}
		}
		if card["card_type"] != c.cardType || (c.validTo != "" && card["valid_to"] != c.validTo) {
			t.Errorf("%s: %v", c.persona, card)
		}
		if g := card["gender"]; g != "male" && g != "female" {
			t.Errorf("%s: gender %q", c.persona, g)
		}
		say("lift")
	}
}

func TestPrinterStatusAndTest(t *testing.T) {
	link, say := sim(t, "printer")
	out, code := ctl(t, "printer", "status", "--port", link, "--json")
	if code != 0 {
		t.Fatalf("status: exit %d %s", code, out)
	}
	var st map[string]any
	json.Unmarshal([]byte(out), &st)
	if st["online"] != true || st["paper"] != "ok" || st["cover_open"] != false {
		t.Fatalf("idle status: %s", out)
	}
	if out, code = ctl(t, "printer", "test", "--port", link); code != 0 || !strings.Contains(out, "printed") {
		t.Fatalf("test page: exit %d %s", code, out)
	}
	say("paper end")
	if out, code = ctl(t, "printer", "test", "--port", link); code != exitNotReady || !strings.Contains(out, "paper end") {
		t.Fatalf("paper end: exit %d %s", code, out)
	}
	out, _ = ctl(t, "printer", "status", "--port", link, "--json")
	json.Unmarshal([]byte(out), &st)
	if st["paper"] != "end" {
		t.Fatalf("status at paper end: %s", out)
	}
	say("paper ok")
	say("cover open")
	if out, code = ctl(t, "printer", "test", "--port", link); code != exitNotReady || !strings.Contains(out, "cover open") {
		t.Fatalf("cover open: exit %d %s", code, out)
	}
}

func TestScannerRead(t *testing.T) {
	link, say := sim(t, "scanner")
	type result struct {
		out  string
		code int
	}
	done := make(chan result)
	go func() {
		out, code := ctl(t, "scanner", "read", "--port", link, "--json", "--timeout", "20s")
		done <- result{out, code}
	}()
	time.Sleep(500 * time.Millisecond) // kioskctl opens the port
	if r := say("scan 01,04,3100194130,12345678,476.6,20261120,12345678901234567890,"); !strings.HasPrefix(r, "ok") {
		t.Fatal(r)
	}
	r := <-done
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.out)
	}
	var code map[string]any
	if err := json.Unmarshal([]byte(r.out), &code); err != nil {
		t.Fatal(err, r.out)
	}
	want := map[string]any{"kind": "vat_invoice", "type_code": "04", "invoice_code": "3100194130", "invoice_number": "12345678", "amount": "476.60", "date": "20261120", "check_code": "12345678901234567890", "valid": true}
	for k, v := range want {
		if code[k] != v {
			t.Errorf("%s = %v, want %v", k, code[k], v)
		}
	}
	if out, c := ctl(t, "scanner", "read", "--port", link, "--timeout", "1s"); c != exitNotReady {
		t.Fatalf("nothing scanned: exit %d %s", c, out)
	}
}

func TestUsage(t *testing.T) {
	if _, code := ctl(t, "idcard", "read"); code != exitUsage {
		t.Fatalf("missing --port: exit %d", code)
	}
	if _, code := ctl(t, "frobnicate"); code != exitUsage {
		t.Fatalf("unknown command: exit %d", code)
	}
	if _, code := ctl(t, "idcard", "read", "--port", "/nonexistent/tty"); code != exitNotReady {
		t.Fatalf("absent device: exit %d", code)
	}
}

func TestPINHash(t *testing.T) {
	cmd := exec.Command(kioskctl, "pin", "hash")
	cmd.Stdin = strings.NewReader("246810\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	h := strings.TrimSpace(string(out))
	if !maint.VerifyPIN([]string{h}, "246810") || strings.Contains(h, "246810") {
		t.Fatalf("hash %q", h)
	}
	if _, code := ctl(t, "pin", "hash", "246810"); code != exitUsage {
		t.Fatal("a PIN on the command line was accepted")
	}
}
