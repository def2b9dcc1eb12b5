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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/netsim"
	"taxkiosk/kiosk/seal"
)

const twoHallsKiosk = "K-TWOHALLS"

// switching sends each request to one of several halls, drawn at random: a kiosk whose
// hall address resolves to two hall processes behind a balancer, so that a batch whose
// answer was lost on one is resent to the other.
type switching struct {
	mu    sync.Mutex
	rnd   *rand.Rand
	hosts []string
	rt    http.RoundTripper
}

func (s *switching) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	host := s.hosts[s.rnd.IntN(len(s.hosts))]
	s.mu.Unlock()
	r2 := r.Clone(r.Context())
	r2.URL.Host, r2.Host = host, ""
	return s.rt.RoundTrip(r2)
}

// startHallOn starts a hall process serving on addr ("127.0.0.1:0" for any) over the store
// flags; the data directory must hold the halls' shared hall.key.
func startHallOn(t *testing.T, addr, data string, store []string) *hallProc {
	t.Helper()
	cmd := exec.Command(hallBin, append([]string{"serve", "--listen", addr, "--data", data}, store...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "hall: serving on ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("hall did not start: %q %s", lines.Text(), stderr.String())
	}
	h := &hallProc{Store: store, Data: data, cmd: cmd, done: make(chan error, 1)}
	h.URL = strings.TrimPrefix(lines.Text(), "hall: serving on ")
	h.Addr = strings.TrimPrefix(h.URL, "http://")
	go func() {
		for lines.Scan() {
		}
		h.done <- cmd.Wait()
	}()
	t.Cleanup(h.stop)
	return h
}

// TestExactlyOnceTwoHalls is the exactly-once scenario against two hall processes on one
// PostgreSQL: the kiosk's requests go to either, through links that drop, truncate and
// answer 5xx, and one hall is killed and restarted every other cycle. Every accepted
// transaction must be stored once, whichever hall stored it and whichever answered.
func TestExactlyOnceTwoHalls(t *testing.T) {
	dsn := os.Getenv("HALL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("HALL_TEST_POSTGRES not set: two halls on one PostgreSQL not tested")
	}
	cycles := crashCycles(t)
	schema := fmt.Sprintf("twohalls_%d", os.Getpid())
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	store := []string{"--db", dsn, "--db-schema", schema}
	dir := t.TempDir()
	dataA, dataB := filepath.Join(dir, "hallA"), filepath.Join(dir, "hallB")
	// Both halls seal personal data with one key: each must open what the other stored.
	for _, d := range []string{dataA, dataB} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := seal.LoadOrCreateKey(filepath.Join(dataA, "hall.key")); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(dataA, "hall.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataB, "hall.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	a := startHallOn(t, "127.0.0.1:0", dataA, store)
	b := startHallOn(t, "127.0.0.1:0", dataB, store)
	pa, err := netsim.New(a.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer pa.Close()
	pb, err := netsim.New(b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	ob := openOutbox(t, filepath.Join(dir, "outbox.db"), twoHallsKiosk)
	sw := &switching{rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7)), hosts: []string{pa.Addr(), pb.Addr()},
		rt: &http.Transport{DisableKeepAlives: true}}
	c := &hallapi.Client{BaseURL: pa.URL(), HTTP: &http.Client{Transport: sw}}
	s := New(ob, c, &Opts{BatchSize: 7, BaseBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		RequestTimeout: 300 * time.Millisecond})
	s.Start()
	defer s.Halt()
	var accepted []string
	for cy := 0; cy < cycles; cy++ {
		f := netsim.Faults{DropResponse: 0.25, Truncate: 0.15, Error5xx: 0.1, Seed: uint64(cy)}
		pa.SetFaults(f)
		f.Seed += 1000
		pb.SetFaults(f)
		for i := 0; i < 20; i++ {
			accepted = append(accepted, enqueue(t, ob, 1)...)
			if i == 10 && cy%2 == 1 {
				// Hall B dies mid-stream and comes back on its address; the kiosk's requests
				// meanwhile go to A or fail and are resent.
				b.cmd.Process.Kill()
				<-b.done
				b.done = nil
				b = startHallOn(t, b.Addr, dataB, store)
			}
		}
		time.Sleep(100 * time.Millisecond)
		t.Logf("cycle %d: %d awaiting delivery", cy, ob.Stats().Pending())
	}
	pa.SetFaults(netsim.Faults{})
	pb.SetFaults(netsim.Faults{})
	waitFor(t, "drain through two halls", func() bool { return ob.Stats().Pending() == 0 })
	s.Halt()
	ca, cb := pa.Counts(), pb.Counts()
	t.Logf("hall A connections by fault: %v; hall B: %v", ca, cb)
	if ca[netsim.DropResponse]+cb[netsim.DropResponse] == 0 {
		t.Errorf("no answer was ever lost: the scenario proved nothing about resends")
	}
	b.stop()
	report(t, "two-halls", twoHallsKiosk, cycles, accepted, ob.Stats().Total, a.audit(t))
}
