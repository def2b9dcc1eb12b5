package hallsync

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// crashChildEnv marks the test binary re-executed as a kiosk that will be killed.
const crashChildEnv = "HALLSYNC_CRASH_CHILD"

// hallBin is the hall binary built once for the package's tests.
var hallBin string

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "hallsync-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hallBin = filepath.Join(dir, "hall")
	build := exec.Command("go", "build", "-o", hallBin, "taxkiosk/kiosk/cmd/hall")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building hall: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hallProc is a real hall server process on a free loopback port.
type hallProc struct {
	Store []string // store flags (--db, --db-schema) for audits; none for bbolt in Data
	URL   string
	Addr  string
	Data  string
	cmd   *exec.Cmd
	done  chan error
}

func startHall(t testing.TB, data string) *hallProc { return startHallArgs(t, data) }

func startHallArgs(t testing.TB, data string, extra ...string) *hallProc {
	t.Helper()
	cmd := exec.Command(hallBin, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", data}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &hallProc{Data: data, cmd: cmd, done: make(chan error, 1)}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "hall: serving on ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("hall did not start: %q %s", lines.Text(), stderr.String())
	}
	h.URL = strings.TrimPrefix(lines.Text(), "hall: serving on ")
	h.Addr = strings.TrimPrefix(strings.TrimPrefix(h.URL, "http://"), "https://")
	go func() {
		for lines.Scan() {
		}
		h.done <- cmd.Wait()
	}()
	t.Cleanup(h.stop)
	return h
}

// stop ends the server gracefully (SIGTERM), killing it if it hangs.
func (h *hallProc) stop() {
	if h.cmd.ProcessState != nil || h.done == nil {
		return
	}
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.done:
	case <-time.After(20 * time.Second):
		h.cmd.Process.Kill()
		<-h.done
	}
	h.done = nil
}

type listedTxn struct {
	KioskID string     `json:"kiosk_id"`
	ID      string     `json:"id"`
	Seq     uint64     `json:"seq"`
	Result  txn.Result `json:"result"`
}

// audit stops the hall and lists its store with `hall list --json`, as an auditor would.
func (h *hallProc) audit(t testing.TB) []listedTxn {
	t.Helper()
	h.stop()
	out, err := exec.Command(hallBin, append([]string{"list", "--data", h.Data, "--json"}, h.Store...)...).Output()
	if err != nil {
		t.Fatalf("hall list: %v", err)
	}
	var ls []listedTxn
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var l listedTxn
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	return ls
}

// storedIDs counts the hall's stored transactions of kiosk through /v1/results, while it runs.
func storedIDs(t testing.TB, url, kiosk string) map[string]int {
	t.Helper()
	c := &hallapi.Client{BaseURL: url}
	seen := map[string]int{}
	var since uint64
	for {
		p, err := c.Results(context.Background(), kiosk, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Results {
			seen[r.ID]++
		}
		since = p.Next
		if !p.More {
			return seen
		}
	}
}

var persona = txn.Taxpayer{Name: "欧阳娜娜", IDNumber: "41040219800101123X", CardType: "resident"}

func testKey(t testing.TB) *seal.Key {
	k, err := seal.NewKey(bytes.Repeat([]byte{0x11}, seal.KeySize))
	if err != nil {
		panic(err) // a constant key of the right size cannot fail
	}
	return k
}

func openOutbox(t testing.TB, path, kiosk string) *outbox.Outbox {
	t.Helper()
	ob, err := outbox.Open(path, &outbox.Opts{KioskID: kiosk, Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	return ob
}

func enqueue(t testing.TB, ob *outbox.Outbox, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		tp := persona
		got, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp,
			Body: []byte(storetest.ZeroReturn)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	return ids
}

// waitFor polls cond; the limit is generous because tests run on busy machines.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkExactlyOnce verifies the audit holds every id of kiosk exactly once. lost counts ids
// the hall does not hold for kiosk; duplicated counts stored records of kiosk that repeat an
// id, or a sequence number, already held: each such record once, whichever it repeats.
func checkExactlyOnce(t testing.TB, ls []listedTxn, kiosk string, ids []string) (lost, duplicated int) {
	t.Helper()
	if kiosk == "" {
		t.Fatal("checkExactlyOnce needs the kiosk id the transactions were enqueued under")
	}
	seenID := map[string]bool{}
	seenSeq := map[uint64]bool{}
	for _, l := range ls {
		if l.KioskID != kiosk {
			continue
		}
		if seenID[l.ID] || seenSeq[l.Seq] {
			duplicated++
		}
		seenID[l.ID] = true
		seenSeq[l.Seq] = true
	}
	for _, id := range ids {
		if !seenID[id] {
			lost++
		}
	}
	return lost, duplicated
}

// TestCheckExactlyOnce: the harness itself counts a repeated record once, and looks for the
// transactions under the kiosk that sent them, not whichever kiosk the hall stored first.
func TestCheckExactlyOnce(t *testing.T) {
	for _, c := range []struct {
		name      string
		ls        []listedTxn
		lost, dup int
	}{
		{"once", []listedTxn{{KioskID: "K1", ID: "a", Seq: 1}, {KioskID: "K1", ID: "b", Seq: 2}}, 0, 0},
		{"stored twice", []listedTxn{{KioskID: "K1", ID: "a", Seq: 1}, {KioskID: "K1", ID: "a", Seq: 1}, {KioskID: "K1", ID: "b", Seq: 2}}, 0, 1},
		{"sequence reused", []listedTxn{{KioskID: "K1", ID: "a", Seq: 1}, {KioskID: "K1", ID: "b", Seq: 1}}, 0, 1},
		{"under another kiosk", []listedTxn{{KioskID: "K2", ID: "a", Seq: 1}, {KioskID: "K1", ID: "b", Seq: 2}}, 1, 0},
	} {
		if lost, dup := checkExactlyOnce(t, c.ls, "K1", []string{"a", "b"}); lost != c.lost || dup != c.dup {
			t.Errorf("%s: lost %d duplicated %d, want %d %d", c.name, lost, dup, c.lost, c.dup)
		}
	}
}
