package hallsync

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/netsim"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/txn"
)

// crashCycles is KIOSK_CRASH_CYCLES, default 5.
func crashCycles(t *testing.T) int {
	n := 5
	if v := os.Getenv("KIOSK_CRASH_CYCLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("KIOSK_CRASH_CYCLES=%q", v)
		}
	}
	return n
}

// The kiosk ids the two scenarios enqueue under: report checks the hall stored each
// transaction under the kiosk that sent it.
const (
	crashKiosk   = "K-CRASH"
	badLinkKiosk = "K-BADLINK"
)

// TestExactlyOnceCrash re-executes the test binary as a kiosk that enqueues and syncs to a
// real hall without pause, and SIGKILLs it at random moments; every other cycle the hall is
// SIGKILLed and restarted too. Every transaction the kiosk reported accepted must be stored
// at the hall exactly once.
func TestExactlyOnceCrash(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		crashChild()
		return
	}
	cycles := crashCycles(t)
	dir := t.TempDir()
	h := startHall(t, filepath.Join(dir, "hall"))
	obPath := filepath.Join(dir, "outbox.db")
	acceptedLog := filepath.Join(dir, "accepted.log")
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
	for c := 0; c < cycles; c++ {
		var out bytes.Buffer
		child := exec.Command(os.Args[0], "-test.run=^TestExactlyOnceCrash$")
		child.Env = append(os.Environ(), crashChildEnv+"=1", "CRASH_OUTBOX="+obPath,
			"CRASH_HALL="+h.URL, "CRASH_ACCEPTED="+acceptedLog)
		child.Stdout, child.Stderr = &out, &out
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- child.Wait() }()
		select {
		case err := <-exited:
			t.Fatalf("cycle %d: kiosk exited by itself: %v\n%s", c, err, out.String())
		case <-time.After(time.Duration(100+rnd.IntN(600)) * time.Millisecond):
		}
		if c%2 == 1 {
			// The hall dies mid-commit too; bbolt must come back with every committed batch.
			h.cmd.Process.Kill()
			<-h.done
			h.done = nil
			h = restartHall(t, h)
		}
		child.Process.Kill()
		<-exited
	}
	// A last, unkilled run drains what the crashes left behind.
	ob := openOutbox(t, obPath, "")
	s := New(ob, &hallapi.Client{BaseURL: h.URL}, fast)
	s.Start()
	waitFor(t, "drain after crashes", func() bool { return ob.Stats().Pending() == 0 })
	s.Halt()
	total := ob.Stats().Total
	report(t, "crash", crashKiosk, cycles, readAccepted(t, acceptedLog), total, h.audit(t))
}

func restartHall(t *testing.T, old *hallProc) *hallProc {
	t.Helper()
	cmd := exec.Command(hallBin, "serve", "--listen", old.Addr, "--data", old.Data)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("restarted hall printed nothing")
	}
	h := &hallProc{URL: old.URL, Addr: old.Addr, Data: old.Data, cmd: cmd, done: make(chan error, 1)}
	go func() {
		for lines.Scan() {
		}
		h.done <- cmd.Wait()
	}()
	t.Cleanup(h.stop)
	return h
}

// crashChild is the kiosk: enqueue, note each acceptance, sync, until killed.
func crashChild() {
	ob, err := outbox.Open(os.Getenv("CRASH_OUTBOX"), &outbox.Opts{KioskID: crashKiosk, Key: testKey(nil),
		LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Println("crash child:", err)
		os.Exit(2)
	}
	log, err := os.OpenFile(os.Getenv("CRASH_ACCEPTED"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Println("crash child:", err)
		os.Exit(2)
	}
	c := &hallapi.Client{BaseURL: os.Getenv("CRASH_HALL")}
	s := New(ob, c, &Opts{BatchSize: 20, BaseBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	s.Start()
	for i := 0; ; i++ {
		tp := persona
		got, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp, Body: []byte(storetest.ZeroReturn)})
		if err != nil {
			fmt.Println("crash child: enqueue:", err)
			os.Exit(2)
		}
		// Only now would the screen say "accepted".
		fmt.Fprintln(log, got.ID)
		if i%8 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func readAccepted(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.HasSuffix(line, "\n") { // a kill may cut the last line short
			ids = append(ids, strings.TrimSpace(line))
		}
	}
	return ids
}

// report prints the one exactly-once line and fails on any lost or duplicated transaction.
func report(t *testing.T, scenario, kiosk string, cycles int, accepted []string, outboxTotal int, ls []listedTxn) {
	t.Helper()
	lost, dup := checkExactlyOnce(t, ls, kiosk, accepted)
	fmt.Printf("exactly-once: scenario=%s cycles=%d accepted=%d stored=%d lost=%d duplicated=%d\n",
		scenario, cycles, len(accepted), len(ls), lost, dup)
	if lost > 0 || dup > 0 {
		t.Fatalf("lost %d, duplicated %d", lost, dup)
	}
	if len(ls) != outboxTotal {
		t.Fatalf("hall stored %d, outbox holds %d", len(ls), outboxTotal)
	}
	if len(accepted) == 0 {
		t.Fatal("nothing was accepted: the scenario proved nothing")
	}
}

// TestExactlyOnceBadLink delivers through a link that drops, delays, truncates and answers
// 5xx, and is cut and restored; the answer deadline is shorter than some delays, so the hall
// stores batches whose answer the kiosk gave up on.
func TestExactlyOnceBadLink(t *testing.T) {
	cycles := crashCycles(t)
	dir := t.TempDir()
	h := startHall(t, filepath.Join(dir, "hall"))
	p, err := netsim.New(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ob := openOutbox(t, filepath.Join(dir, "outbox.db"), badLinkKiosk)
	c := &hallapi.Client{BaseURL: p.URL(), HTTP: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	s := New(ob, c, &Opts{BatchSize: 7, BaseBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		RequestTimeout: 300 * time.Millisecond})
	s.Start()
	defer s.Halt()
	var accepted []string
	for cy := 0; cy < cycles; cy++ {
		f := netsim.Faults{Refuse: 0.1, DropResponse: 0.2, Truncate: 0.15, Error5xx: 0.15, Seed: uint64(cy)}
		if cy%3 == 2 {
			f.Delay = 400 * time.Millisecond // longer than RequestTimeout
		}
		p.SetFaults(f)
		for i := 0; i < 20; i++ {
			accepted = append(accepted, enqueue(t, ob, 1)...)
			if i == 10 && cy%2 == 1 {
				p.Cut()
				time.Sleep(30 * time.Millisecond)
				p.Restore()
			}
		}
		time.Sleep(100 * time.Millisecond)
		t.Logf("cycle %d: %d awaiting delivery", cy, ob.Stats().Pending())
	}
	p.SetFaults(netsim.Faults{})
	waitFor(t, "drain after bad link", func() bool { return ob.Stats().Pending() == 0 })
	s.Halt()
	counts := p.Counts()
	t.Logf("connections by fault: %v", counts)
	if counts[netsim.DropResponse] == 0 || counts[netsim.Truncate] == 0 || counts[netsim.Error5xx] == 0 {
		t.Errorf("some faults never happened: %v", counts)
	}
	report(t, "badlink", badLinkKiosk, cycles, accepted, ob.Stats().Total, h.audit(t))
}
