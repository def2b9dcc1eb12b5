package netsim

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend answers every request with a fixed JSON body and counts the requests it handled.
func backend(t *testing.T) (*httptest.Server, *atomic.Int64) {
	n := new(atomic.Int64)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"accepted":["a","b","c","d"],"duplicates":[]}`)
	}))
	t.Cleanup(ts.Close)
	return ts, n
}

func client() *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

func get(c *http.Client, url string) (int, string, error) {
	res, err := c.Post(url, "application/json", strings.NewReader(`{"kiosk_id":"K1"}`))
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

func TestFaults(t *testing.T) {
	ts, handled := backend(t)
	p, err := New(strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := client()
	full := `{"accepted":["a","b","c","d"],"duplicates":[]}`
	for _, tc := range []struct {
		fault      Fault
		wantStatus int
		wantBody   string // "" with wantErr
		wantErr    bool
		reachesApp bool
	}{
		{Pass, 200, full, false, true},
		{DropResponse, 0, "", true, true},
		{Truncate, 200, full[:len(full)/2], true, true},
		{Error5xx, 503, `{"code":"unavailable","message":"netsim: injected 503"}`, false, false},
		{Refuse, 0, "", true, false},
	} {
		before := handled.Load()
		p.FailNext(tc.fault, 1)
		status, body, err := get(c, p.URL())
		if (err != nil) != tc.wantErr || status != tc.wantStatus || body != tc.wantBody {
			t.Errorf("%s: status %d body %q err %v", tc.fault, status, body, err)
		}
		if reached := handled.Load() > before; reached != tc.reachesApp {
			t.Errorf("%s: request reached the server: %v", tc.fault, reached)
		}
	}
	if got := p.Counts(); got[Pass] != 1 || got[DropResponse] != 1 || got[Refuse] != 1 {
		t.Errorf("counts %v", got)
	}
}

func TestCutRestore(t *testing.T) {
	ts, _ := backend(t)
	p, err := New(strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// A connection held open across Cut must be dropped, as a real link loss would.
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
	buf := make([]byte, 512)
	if _, err := conn.Read(buf); err != nil {
		t.Fatal(err)
	}
	p.Cut()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	var ne net.Error
	if _, err := conn.Read(buf); err == nil || errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("open connection survived Cut: %v", err)
	}
	if _, _, err := get(client(), p.URL()); err == nil {
		t.Fatal("request through a cut link succeeded")
	}
	p.Restore()
	if status, _, err := get(client(), p.URL()); err != nil || status != 200 {
		t.Fatalf("after Restore: %d %v", status, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestRandomFaultsAreSeeded(t *testing.T) {
	draws := func() []Fault {
		p, err := New("127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		p.SetFaults(Faults{DropResponse: 0.3, Truncate: 0.2, Error5xx: 0.2, Refuse: 0.1, Seed: 7})
		var out []Fault
		p.mu.Lock()
		for i := 0; i < 200; i++ {
			out = append(out, p.draw())
		}
		p.mu.Unlock()
		return out
	}
	a, b := draws(), draws()
	seen := map[Fault]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed gave different faults")
		}
		seen[a[i]]++
	}
	if len(seen) != 5 || seen[Pass] < 20 || seen[Pass] > 70 {
		t.Fatalf("fault mix %v", seen)
	}
}

func TestDelay(t *testing.T) {
	ts, _ := backend(t)
	p, _ := New(strings.TrimPrefix(ts.URL, "http://"))
	p.SetFaults(Faults{Delay: 50 * time.Millisecond})
	if status, _, err := get(client(), p.URL()); err != nil || status != 200 {
		t.Fatalf("delayed request: %d %v", status, err)
	}
	// Close during a long delay must not hang: it joins the goroutine holding the answer.
	p.SetFaults(Faults{Delay: time.Hour})
	go get(client(), p.URL())
	time.Sleep(50 * time.Millisecond)
	p.Close()
}

func ExampleProxy() {
	hall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer hall.Close()
	p, _ := New(strings.TrimPrefix(hall.URL, "http://"))
	defer p.Close()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	try := func() {
		res, err := c.Get(p.URL())
		if err != nil {
			fmt.Println("link down")
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(string(b))
	}
	try()
	p.Cut()
	try()
	p.Restore()
	try()
	// Output:
	// ok
	// link down
	// ok
}
