package hall_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
)

// TestIdleConnectionsDoNotStarveKiosk replays the review's descriptor attack on loopback,
// bounded: 3,000 idle TCP connections (no certificate, no request) from 60 addresses,
// and one address trying 100. The hall holds at most its total and per-source limits of
// them, and a kiosk's batch made meanwhile is answered.
func TestIdleConnectionsDoNotStarveKiosk(t *testing.T) {
	if n, err := hall.RaiseFileLimit(); err != nil || n < 4000 {
		t.Skipf("open-file limit %d (%v): too low for 3,000 idle connections", n, err)
	}
	const total, perSource = 200, 64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: hall.New(newMem(), nil), ReadHeaderTimeout: time.Minute}
	go srv.Serve(hall.LimitListener(ln, total, perSource))
	defer srv.Close()
	addr := ln.Addr().String()
	dial := func(src net.IP) (net.Conn, error) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}, Timeout: 10 * time.Second}
		return d.Dial("tcp", addr)
	}
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for i := 0; i < 3000; i++ {
		c, err := dial(net.IPv4(127, 0, 0, byte(2+i/50)))
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		idle = append(idle, c)
	}
	for i := 0; i < 100; i++ {
		c, err := dial(net.IPv4(127, 0, 0, 200))
		if err != nil {
			t.Fatalf("greedy connection %d: %v", i, err)
		}
		idle = append(idle, c)
	}

	kiosk := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}).DialContext}}
	res, err := kiosk.Post("http://"+addr+hallapi.PathBatches, "application/json",
		strings.NewReader(`{"kiosk_id":"K001","txns":[{"id":"h1","seq":1,"kind":"help_request","body":{}}]}`))
	if err != nil {
		t.Fatalf("kiosk batch under idle load: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("kiosk batch under idle load: %d", res.StatusCode)
	}

	// Which idle connections does the hall still hold? A closed one reads EOF at once; an
	// open one reads nothing until the deadline.
	open := make([]bool, len(idle))
	var wg sync.WaitGroup
	for i, c := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, err := c.Read(make([]byte, 1))
			open[i] = errors.Is(err, os.ErrDeadlineExceeded)
		}()
	}
	wg.Wait()
	held, greedy := 0, 0
	for i, o := range open {
		if o {
			held++
			if i >= 3000 {
				greedy++
			}
		}
	}
	t.Logf("the hall holds %d of %d idle connections (%d of the greedy address's 100)", held, len(idle), greedy)
	if held > total || greedy > perSource {
		t.Fatalf("the hall holds %d idle connections (limit %d), %d from one address (limit %d)", held, total, greedy, perSource)
	}
}
